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

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;

/**
 * A running program of the interoperability tests (a Go program of {@code interop/go/}, a
 * Node.js program of {@code interop/node/}): its standard output is collected line by
 * line, its standard error goes to a file in {@code target/interop-logs/}, and it ends
 * when its standard input closes (every program exits then), so that no program outlives
 * the test JVM.
 *
 * @author etcd-discovery authors
 */
final class InteropProcess implements AutoCloseable {

	private static final Set<InteropProcess> running = ConcurrentHashMap.newKeySet();

	private static final AtomicInteger started = new AtomicInteger();

	static {
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> running.forEach((process) -> process.process.destroyForcibly()),
					"interop-reaper"));
	}

	private final String name;

	private final Process process;

	private final OutputStream stdin;

	private final Path stderr;

	private final List<String> lines = new CopyOnWriteArrayList<>();

	private final Thread reader;

	private InteropProcess(String name, Process process, Path stderr) {
		this.name = name;
		this.process = process;
		this.stdin = process.getOutputStream();
		this.stderr = stderr;
		this.reader = new Thread(this::readOutput, "interop-" + name + "-stdout");
		this.reader.setDaemon(true);
		this.reader.start();
	}

	/**
	 * Start a program.
	 * @param binary the binary
	 * @param arguments its arguments
	 * @return the process
	 */
	static InteropProcess start(Path binary, String... arguments) {
		String name = binary.getFileName().toString();
		try {
			Path logs = Files.createDirectories(Path.of("target/interop-logs"));
			Path stderr = logs
				.resolve(name + "-" + ProcessHandle.current().pid() + "-" + started.incrementAndGet() + ".log");
			List<String> command = new ArrayList<>(List.of(binary.toString()));
			command.addAll(List.of(arguments));
			Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
			InteropProcess started = new InteropProcess(name, process, stderr);
			running.add(started);
			return started;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Return every line printed so far.
	 * @return the lines
	 */
	List<String> lines() {
		return List.copyOf(this.lines);
	}

	/**
	 * Wait for a line that starts with a prefix, and return it.
	 * @param prefix the prefix
	 * @param timeout how long to wait
	 * @return the first such line
	 */
	String awaitLine(String prefix, Duration timeout) {
		await().atMost(timeout).until(() -> {
			assertAlive();
			return this.lines.stream().anyMatch((line) -> line.startsWith(prefix));
		});
		return this.lines.stream().filter((line) -> line.startsWith(prefix)).findFirst().orElseThrow();
	}

	/**
	 * Return the last line that starts with a prefix.
	 * @param prefix the prefix
	 * @return the line, or {@code null}
	 */
	String lastLine(String prefix) {
		List<String> all = this.lines;
		for (int i = all.size() - 1; i >= 0; i--) {
			if (all.get(i).startsWith(prefix)) {
				return all.get(i);
			}
		}
		return null;
	}

	/**
	 * Return what the last calls of a {@code grpcclient} reached: the peer address of
	 * each successful one among the last {@code count} lines, in call order.
	 * @param count how many of the last calls to look at
	 * @return the peers, {@code "error ..."} for failed calls
	 */
	List<String> lastCalls(int count) {
		List<String> calls = this.lines.stream()
			.filter((line) -> line.startsWith("ok ") || line.startsWith("error "))
			.toList();
		return calls.subList(Math.max(0, calls.size() - count), calls.size())
			.stream()
			.map((line) -> line.startsWith("ok ") ? line.substring(3) : line)
			.toList();
	}

	/**
	 * Return the distinct peers of the last calls.
	 * @param count how many of the last calls to look at
	 * @return the peers
	 */
	Set<String> lastPeers(int count) {
		return new LinkedHashSet<>(lastCalls(count));
	}

	/**
	 * Return how many calls were made so far.
	 * @return the number of calls
	 */
	int calls() {
		return (int) this.lines.stream().filter((line) -> line.startsWith("ok ") || line.startsWith("error ")).count();
	}

	/**
	 * Send a line to the program's standard input.
	 * @param line the line
	 */
	void send(String line) {
		try {
			this.stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
			this.stdin.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Fail if the program has ended, with what it wrote to standard error (a Go panic,
	 * for example).
	 */
	void assertAlive() {
		if (!this.process.isAlive()) {
			throw new AssertionError(
					this.name + " ended with exit code " + this.process.exitValue() + ":\n" + stderr());
		}
	}

	/**
	 * Return what the program wrote to standard error.
	 * @return the text
	 */
	String stderr() {
		try {
			return Files.exists(this.stderr) ? Files.readString(this.stderr) : "";
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Return whether the program is running.
	 * @return whether it is
	 */
	boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * Ask the program to stop, as a process manager does (SIGTERM).
	 */
	void terminate() {
		// Not Process.destroy(), which also closes the pipes: the program could not
		// report how it stopped.
		this.process.toHandle().destroy();
	}

	/**
	 * Wait for the program to end by itself.
	 * @param timeout how long to wait
	 * @return the exit code
	 */
	int awaitExit(Duration timeout) {
		try {
			if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new AssertionError(this.name + " did not end within " + timeout);
			}
			// Everything it printed is read once its output closes.
			this.reader.join(timeout.toMillis());
			return this.process.exitValue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted");
		}
	}

	@Override
	public void close() {
		try {
			this.stdin.close();
		}
		catch (IOException ex) {
			// Already gone.
		}
		try {
			if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
		running.remove(this);
	}

	private void readOutput() {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				this.lines.add(line);
			}
		}
		catch (IOException ex) {
			// The process ended.
		}
	}

}
