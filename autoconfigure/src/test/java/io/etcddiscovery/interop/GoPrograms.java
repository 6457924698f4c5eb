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
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Go programs of {@code interop/go/}, built on a {@link GoStack} from Debian's Go
 * sources in GOPATH mode ({@code GO111MODULE=off}, no module proxy), once per source
 * hash: a second test class, or a second run over the same sources, reuses the binaries
 * in {@code target/go-interop/}. Missing Go fails with the command that installs it.
 *
 * @author etcd-discovery authors
 */
final class GoPrograms {

	private static final Map<GoStack, Path> built = new EnumMap<>(GoStack.class);

	private GoPrograms() {
	}

	/**
	 * Return one of the programs of a stack, building them all first if needed.
	 * @param stack the stack
	 * @param name the program, the last segment of its import path
	 * @return the binary
	 */
	static synchronized Path binary(GoStack stack, String name) {
		Path programs = built.computeIfAbsent(stack, (key) -> build(key, repository().resolve("interop/go"),
				key.programs(), "programs-" + key.name().toLowerCase(Locale.ROOT)));
		return programs.resolve(name);
	}

	/**
	 * Build Go packages of a GOPATH tree on a stack, unless a build of the same sources
	 * exists.
	 * @param stack the stack
	 * @param gopath the tree, holding {@code src/}
	 * @param packages the import paths of the main packages
	 * @param name what to call the build in {@code target/go-interop/}
	 * @return the directory holding one binary per package, named as its last segment
	 */
	static Path build(GoStack stack, Path gopath, List<String> packages, String name) {
		String fingerprint = fingerprint(stack);
		Path out = Path.of("target/go-interop")
			.toAbsolutePath()
			.resolve(name + "-" + hash(gopath.resolve("src"), fingerprint));
		if (Files.isDirectory(out)) {
			return out;
		}
		try {
			// One staging directory per JVM: Failsafe's forks may build the same sources
			// at
			// once, and the first to finish wins.
			Path staging = Files.createDirectories(out.getParent())
				.resolve(out.getFileName() + ".building-" + ProcessHandle.current().pid());
			deleteRecursively(staging);
			Files.createDirectories(staging);
			List<String> command = new ArrayList<>(List.of(stack.command("go"), "build", "-o", staging + "/"));
			command.addAll(packages);
			run(stack, command, gopath, stack.environment(gopath));
			try {
				Files.move(staging, out, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (FileSystemException ex) {
				// Another fork built the same sources first (an atomic rename onto its
				// directory fails with ENOTEMPTY, which the JDK reports as a plain
				// FileSystemException).
				if (!Files.isDirectory(out)) {
					throw ex;
				}
				deleteRecursively(staging);
			}
			return out;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Return the files of a GOPATH tree that {@code gofmt} would change.
	 * @param stack the stack whose {@code gofmt} runs
	 * @param gopath the tree, holding {@code src/}
	 * @return the files, one a line; empty when all are formatted
	 */
	static String unformatted(GoStack stack, Path gopath) {
		fingerprint(stack);
		try {
			return run(stack, List.of(stack.command("gofmt"), "-l", "src"), gopath, Map.of()).strip();
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

	// The Go version and the Debian packages of the stack, so that a new toolchain or new
	// sources build afresh.
	private static String fingerprint(GoStack stack) {
		stack.checkInstalled();
		String version;
		try {
			version = run(stack, List.of(stack.command("go"), "version"), Path.of(""), stack.environment(Path.of("")))
				.strip();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Go is not installed (" + ex.getMessage() + "). " + stack.installHint(),
					ex);
		}
		Path packages = stack.packageList();
		try {
			return (packages != null) ? version + "\n" + Files.readString(packages) : version;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String run(GoStack stack, List<String> command, Path dir, Map<String, String> env)
			throws IOException {
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
					+ output + "\n" + stack.installHint());
		}
		return output;
	}

	private static String hash(Path src, String fingerprint) {
		try (Stream<Path> files = Files.walk(src)) {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			digest.update(fingerprint.getBytes(StandardCharsets.UTF_8));
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
