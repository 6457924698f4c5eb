/*
 * Copyright 2026 the etcd-discovery authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package io.etcddiscovery.interop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Go stack that Go users run and the interoperability tests build their Go programs on:
 * a Go toolchain, the tree of Debian's Go sources it builds against in GOPATH mode, and
 * the programs of {@code interop/go/src} written for the etcd client of that tree. Both
 * are provided by {@code scripts/install-go.sh}.
 *
 * @author etcd-discovery authors
 */
enum GoStack {

	/**
	 * Debian 12's, on the system: Go 1.19, etcd's client 3.4 with the backported
	 * {@code go.etcd.io/etcd/clientv3/naming/{resolver,endpoints}}, grpc-go 1.33.
	 */
	DEBIAN_12("Debian 12: Go 1.19, etcd client 3.4, grpc-go 1.33", "/", null, "etcddiscovery/interop",
			List.of("grpcclient", "goservice", "endpointwatch"),
			List.of("go.etcd.io/etcd/clientv3/naming/resolver", "google.golang.org/grpc/health"),
			"it installs golang-go, golang-etcd-server-dev and golang-google-grpc-dev"),

	/**
	 * Debian trixie's, extracted into {@code .tools/go-trixie}: Go 1.24, etcd's client
	 * 3.5 ({@code go.etcd.io/etcd/client/v3/naming/{resolver,endpoints}}), grpc-go 1.64,
	 * go-kit 0.13 with {@code sd/etcdv3}.
	 */
	TRIXIE("Debian trixie: Go 1.24, etcd client 3.5, grpc-go 1.64", ".tools/go-trixie", "usr/lib/go-1.24",
			"etcddiscovery/interop35",
			List.of("grpcclient", "goservice", "gokitregistrar", "gokitinstancer", "plainclient", "decodedview"),
			List.of("go.etcd.io/etcd/client/v3/naming/resolver", "go.etcd.io/etcd/client/v3/naming/endpoints",
					"google.golang.org/grpc/health", "github.com/go-kit/kit/sd/etcdv3"),
			"it extracts Debian trixie's golang-1.24-go, golang-etcd-server-dev, golang-google-grpc-dev and "
					+ "golang-github-go-kit-kit-dev, with their Go dependencies, into .tools/go-trixie");

	private final String description;

	private final String root;

	private final String goroot;

	private final String programsPackage;

	private final List<String> programs;

	private final List<String> requiredPackages;

	private final String installs;

	GoStack(String description, String root, String goroot, String programsPackage, List<String> programs,
			List<String> requiredPackages, String installs) {
		this.description = description;
		this.root = root;
		this.goroot = goroot;
		this.programsPackage = programsPackage;
		this.programs = programs;
		this.requiredPackages = requiredPackages;
		this.installs = installs;
	}

	/**
	 * Return one of this stack's programs, building them all first if needed.
	 * @param name the program, the last segment of its import path
	 * @return the binary
	 */
	Path binary(String name) {
		return GoPrograms.binary(this, name);
	}

	/**
	 * Return the import paths of the programs written for this stack.
	 * @return the main packages, each under {@code interop/go/src}
	 */
	List<String> programs() {
		return this.programs.stream().map((program) -> this.programsPackage + "/" + program).toList();
	}

	/**
	 * Return the {@code go} command, or {@code gofmt}.
	 * @param command {@code go} or {@code gofmt}
	 * @return the command: on the PATH for the system's Go, otherwise the path of the
	 * binary
	 */
	String command(String command) {
		return (this.goroot != null) ? root().resolve(this.goroot).resolve("bin").resolve(command).toString() : command;
	}

	/**
	 * Return the environment the {@code go} command builds with.
	 * @param gopath the GOPATH tree of the programs, holding {@code src/}
	 * @return GOPATH (the programs, then Debian's Go sources), GOROOT unless it is the
	 * system's, GOTOOLCHAIN
	 */
	Map<String, String> environment(Path gopath) {
		Map<String, String> environment = new LinkedHashMap<>();
		environment.put("GOPATH", gopath + ":" + gocode());
		if (this.goroot != null) {
			environment.put("GOROOT", root().resolve(this.goroot).toString());
		}
		// A newer toolchain is never fetched: there is no Go module proxy to fetch it
		// from.
		environment.put("GOTOOLCHAIN", "local");
		return environment;
	}

	/**
	 * Return the file listing the Debian packages of this stack, if it has one.
	 * @return {@code .packages} of {@code scripts/debian-files.sh}, or {@code null}
	 */
	Path packageList() {
		Path list = root().resolve(".packages");
		return Files.isRegularFile(list) ? list : null;
	}

	/**
	 * Throw when the Go sources this stack's programs need are missing.
	 * @throws IllegalStateException with the command that installs them
	 */
	void checkInstalled() {
		for (String required : this.requiredPackages) {
			if (!Files.isDirectory(gocode().resolve("src").resolve(required))) {
				throw new IllegalStateException("Go package " + required + " is missing from " + gocode() + " (" + this
						+ "). " + installHint());
			}
		}
		if (this.goroot != null && !Files.isExecutable(Path.of(command("go")))) {
			throw new IllegalStateException(command("go") + " is missing (" + this + "). " + installHint());
		}
	}

	/**
	 * Return what to run when something of this stack is missing.
	 * @return the hint
	 */
	String installHint() {
		return "The Go interoperability tests build Go programs from Debian's Go packages: run "
				+ "scripts/install-go.sh (" + this.installs + ").";
	}

	private Path gocode() {
		return root().resolve("usr/share/gocode");
	}

	private Path root() {
		return GoPrograms.repository().resolve(this.root);
	}

	@Override
	public String toString() {
		return this.description;
	}

}
