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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Go programs of {@code interop/go/}, built from Debian's Go sources in GOPATH mode
 * ({@code GO111MODULE=off}, no module proxy), once per source hash: a second test class,
 * or a second run over the same sources, reuses the binaries in
 * {@code target/go-interop/}. Missing Go fails with the command that installs it.
 *
 * @author etcd-discovery authors
 */
final class GoPrograms {

	/**
	 * Debian's tree of Go sources ({@code dpkg -L golang-etcd-server-dev}).
	 */
	static final Path DEBIAN_GOCODE = Path.of("/usr/share/gocode");

	private static final String INSTALL_HINT = "The Go interoperability tests build Go programs from Debian's Go "
			+ "packages: run scripts/install-go.sh (it installs golang-go, golang-etcd-server-dev and "
			+ "golang-google-grpc-dev).";

	private static final List<String> PROGRAMS = List.of("grpcclient", "goservice", "endpointwatch");

	private static Path built;

	private GoPrograms() {
	}

	/**
	 * Return one of the programs of {@code interop/go/src/etcddiscovery/interop},
	 * building them all first if needed.
	 * @param name the program
	 * @return the binary
	 */
	static synchronized Path binary(String name) {
		if (built == null) {
			Path gopath = repository().resolve("interop/go");
			built = build(gopath, PROGRAMS.stream().map((program) -> "etcddiscovery/interop/" + program).toList(),
					"programs");
		}
		return built.resolve(name);
	}

	/**
	 * Build Go packages of a GOPATH tree, unless a build of the same sources exists.
	 * @param gopath the tree, holding {@code src/}
	 * @param packages the import paths of the main packages
	 * @param name what to call the build in {@code target/go-interop/}
	 * @return the directory holding one binary per package, named as its last segment
	 */
	static Path build(Path gopath, List<String> packages, String name) {
		String go = goVersion();
		Path out = Path.of("target/go-interop").toAbsolutePath().resolve(name + "-" + hash(gopath.resolve("src"), go));
		if (Files.isDirectory(out)) {
			return out;
		}
		try {
			Path staging = Files.createDirectories(out.getParent()).resolve(out.getFileName() + ".building");
			deleteRecursively(staging);
			Files.createDirectories(staging);
			List<String> command = new ArrayList<>(List.of("go", "build", "-o", staging + "/"));
			command.addAll(packages);
			run(command, gopath, Map.of("GOPATH", gopath + ":" + DEBIAN_GOCODE));
			Files.move(staging, out, StandardCopyOption.ATOMIC_MOVE);
			return out;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Return the files of a GOPATH tree that {@code gofmt} would change.
	 * @param gopath the tree, holding {@code src/}
	 * @return the files, one a line; empty when all are formatted
	 */
	static String unformatted(Path gopath) {
		goVersion();
		try {
			return run(List.of("gofmt", "-l", "src"), gopath, Map.of()).strip();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Return the root of this repository.
	 * @return the directory holding {@code interop/go}
	 */
	static Path repository() {
		Path dir = Path.of("").toAbsolutePath();
		while (dir != null && !Files.isDirectory(dir.resolve("interop/go/src"))) {
			dir = dir.getParent();
		}
		if (dir == null) {
			throw new IllegalStateException("interop/go/src not found above " + Path.of("").toAbsolutePath());
		}
		return dir;
	}

	private static String goVersion() {
		if (!Files.isDirectory(DEBIAN_GOCODE.resolve("src/go.etcd.io/etcd/clientv3/naming/resolver"))
				|| !Files.isDirectory(DEBIAN_GOCODE.resolve("src/google.golang.org/grpc/health"))) {
			throw new IllegalStateException("Debian's Go sources of etcd's client and grpc-go are missing from "
					+ DEBIAN_GOCODE + ". " + INSTALL_HINT);
		}
		try {
			return run(List.of("go", "version"), Path.of(""), Map.of()).strip();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Go is not installed (" + ex.getMessage() + "). " + INSTALL_HINT, ex);
		}
	}

	private static String run(List<String> command, Path dir, Map<String, String> env) throws IOException {
		ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toAbsolutePath().toFile())
			.redirectErrorStream(true);
		builder.environment().put("GO111MODULE", "off");
		builder.environment().put("GOFLAGS", "");
		if (System.getenv("HOME") == null && System.getenv("GOCACHE") == null) {
			builder.environment().put("GOCACHE", Path.of("target/go-interop/cache").toAbsolutePath().toString());
		}
		builder.environment().putAll(env);
		Process process = builder.start();
		process.getOutputStream().close();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		try {
			if (!process.waitFor(5, TimeUnit.MINUTES)) {
				process.destroyForcibly();
				throw new IllegalStateException(String.join(" ", command) + " did not finish in 5 minutes");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			process.destroyForcibly();
			throw new IllegalStateException("Interrupted: " + String.join(" ", command), ex);
		}
		if (process.exitValue() != 0) {
			throw new IllegalStateException(String.join(" ", command) + " failed (" + process.exitValue() + "):\n"
					+ output + "\n" + INSTALL_HINT);
		}
		return output;
	}

	private static String hash(Path src, String goVersion) {
		try (Stream<Path> files = Files.walk(src)) {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			digest.update(goVersion.getBytes(StandardCharsets.UTF_8));
			for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
				digest.update(src.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
				digest.update(Files.readAllBytes(file));
			}
			return HexFormat.of().formatHex(digest.digest()).substring(0, 12);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void deleteRecursively(Path dir) throws IOException {
		if (!Files.exists(dir)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(dir)) {
			for (Path path : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
				Files.delete(path);
			}
		}
	}

}
