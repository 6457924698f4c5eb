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

package io.etcddiscovery.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Spring Boot application started from its jar in a JVM of its own, the way it runs in
 * production: {@code java [jvm arguments] -jar app.jar [arguments]}, with the JVM that
 * runs the tests (so a run on Java 25 starts it on Java 25). Its output goes to a log
 * file; {@link #terminate()} sends SIGTERM like a process manager does.
 *
 * @author etcd-discovery authors
 */
final class ApplicationProcess implements AutoCloseable {

	private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();

	private final String name;

	private final int port;

	private final Path log;

	private final Process process;

	private ApplicationProcess(String name, int port, Path log, Process process) {
		this.name = name;
		this.port = port;
		this.log = log;
		this.process = process;
	}

	/**
	 * Start an application.
	 * @param jar the executable jar
	 * @param name names the log file
	 * @param jvmArguments JVM arguments, for example {@code -Dspring.aot.enabled=true}
	 * @param arguments application arguments; {@code --server.port} is added
	 * @return the started process (not necessarily ready)
	 */
	static ApplicationProcess start(Path jar, String name, List<String> jvmArguments, List<String> arguments) {
		try {
			int port = freePort();
			Path logDirectory = Files.createDirectories(Path.of("target", "application-logs"));
			Path log = logDirectory.resolve(name + ".log");
			List<String> command = new ArrayList<>();
			command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
			command.add("-Xmx256m");
			command.addAll(jvmArguments);
			command.add("-jar");
			command.add(jar.toString());
			command.add("--server.port=" + port);
			command.addAll(arguments);
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			return new ApplicationProcess(name, port, log, process);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	String name() {
		return this.name;
	}

	int port() {
		return this.port;
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * Return everything the application printed so far (standard output and error).
	 * @return the output
	 */
	String output() {
		try {
			return Files.readString(this.log, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * {@code GET} a path of the application.
	 * @param path the path, starting with {@code /}
	 * @return the response
	 */
	HttpResponse<String> get(String path) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(HTTP_TIMEOUT)
			.GET()
			.build();
		try {
			return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Wait for the process to exit by itself.
	 * @param timeout how long to wait
	 * @return its exit code
	 */
	int awaitExit(Duration timeout) {
		try {
			if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new IllegalStateException(
						this.name + " still running after " + timeout + "; its output:\n" + output());
			}
			return this.process.exitValue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Send SIGTERM and wait for the process to exit.
	 * @return its exit code
	 */
	int terminate() {
		this.process.destroy();
		return awaitExit(Duration.ofSeconds(60));
	}

	@Override
	public void close() {
		if (this.process.isAlive()) {
			this.process.destroyForcibly();
			try {
				this.process.waitFor(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public String toString() {
		return this.name + " (port " + this.port + ", log " + this.log + ")";
	}

}
