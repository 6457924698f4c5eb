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

package io.etcddiscovery.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code etcd} process of an {@link EtcdCluster}, listening only on
 * {@code 127.0.0.1}. The client and peer ports and the data directory stay the same for
 * the member's whole life, so {@link #restart()} brings back the same endpoint with the
 * same data and clients reconnect to it.
 * <p>
 * Members are created by {@link EtcdCluster}. They are meant to be driven from the test
 * thread and are not thread-safe.
 *
 * @author etcd-discovery authors
 */
public final class EtcdMember {

	private static final Logger logger = LoggerFactory.getLogger(EtcdMember.class);

	static final String HOST = "127.0.0.1";

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration SIGNAL_TIMEOUT = Duration.ofSeconds(5);

	private static final Duration POLL_INTERVAL = Duration.ofMillis(50);

	private static final int LOG_TAIL_LINES = 30;

	private final String name;

	private final Path binary;

	private final int clientPort;

	private final int peerPort;

	private final Path directory;

	private final String initialCluster;

	private final Duration startupTimeout;

	private final EtcdSecurity security;

	private final @Nullable EtcdCertificates certificates;

	private final EtcdGateway gateway;

	private final List<String> arguments;

	private volatile String clusterToken;

	private volatile @Nullable Process process;

	private volatile boolean paused;

	private volatile boolean closed;

	EtcdMember(String name, Path binary, int clientPort, int peerPort, Path directory, String initialCluster,
			String clusterToken, Duration startupTimeout, EtcdSecurity security,
			@Nullable EtcdCertificates certificates, EtcdGateway gateway, List<String> arguments) {
		if (security != EtcdSecurity.NONE && certificates == null) {
			throw new IllegalArgumentException("A member that serves TLS needs certificates");
		}
		this.name = name;
		this.binary = binary;
		this.clientPort = clientPort;
		this.peerPort = peerPort;
		this.directory = directory;
		this.initialCluster = initialCluster;
		this.clusterToken = clusterToken;
		this.startupTimeout = startupTimeout;
		this.security = security;
		this.certificates = certificates;
		this.gateway = gateway;
		this.arguments = List.copyOf(arguments);
		ProcessReaper.register(this);
	}

	/**
	 * Return the member name, which is also its name in {@code --initial-cluster}.
	 * @return the member name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Return the URL clients use, for example {@code http://127.0.0.1:40123}, or
	 * {@code https://127.0.0.1:40123} when the member serves TLS.
	 * @return the client URL
	 */
	public String clientEndpoint() {
		return ((this.security != EtcdSecurity.NONE) ? "https" : "http") + "://" + HOST + ":" + this.clientPort;
	}

	/**
	 * Return the URL other members use to reach this one.
	 * @return the peer URL
	 */
	public String peerEndpoint() {
		return "http://" + HOST + ":" + this.peerPort;
	}

	/**
	 * Return the temporary directory that holds this member's data directory and logs. It
	 * is deleted when the cluster is closed.
	 * @return the member directory
	 */
	public Path directory() {
		return this.directory;
	}

	/**
	 * Return the directory passed to etcd as {@code --data-dir}.
	 * @return the data directory
	 */
	public Path dataDirectory() {
		return this.directory.resolve("data");
	}

	/**
	 * Return the file etcd writes its log to.
	 * @return the log file
	 */
	public Path logFile() {
		return this.directory.resolve("etcd.log");
	}

	private Path consoleFile() {
		return this.directory.resolve("console.log");
	}

	/**
	 * Return the process id of the running etcd process, or of the last one if it has
	 * exited.
	 * @return the process id
	 * @throws IllegalStateException if the member was never started
	 */
	public long pid() {
		return requireProcess().pid();
	}

	/**
	 * Return whether the etcd process is alive, including while it is paused.
	 * @return whether the process is alive
	 */
	public boolean isRunning() {
		Process process = this.process;
		return process != null && process.isAlive();
	}

	/**
	 * Return whether the process has been paused with {@link #pause()} and not resumed.
	 * @return whether the process is paused
	 */
	public boolean isPaused() {
		return this.paused && isRunning();
	}

	/**
	 * Start the process, if it is not running, and wait until it is healthy. In a cluster
	 * this needs a quorum of the other members to be running; use
	 * {@link EtcdCluster#ensureRunning()} to bring several members back at once.
	 * @throws IllegalStateException if the member does not become healthy in time, with
	 * the tail of its log
	 */
	public void start() {
		launch();
		awaitHealthy(this.startupTimeout);
	}

	/**
	 * Stop the process gracefully with {@code SIGTERM}, resuming it first if it is
	 * paused, and fall back to {@code SIGKILL} if it does not exit in time. Does nothing
	 * if the process is not running.
	 */
	public void stop() {
		Process process = this.process;
		if (process == null || !process.isAlive()) {
			this.paused = false;
			return;
		}
		if (this.paused) {
			// A stopped process only acts on SIGTERM once it is continued
			resume();
		}
		process.destroy();
		if (!waitForExit(process, STOP_TIMEOUT)) {
			logger.warn("etcd member {} (pid {}) ignored SIGTERM for {}; killing it", this.name, process.pid(),
					STOP_TIMEOUT);
			process.destroyForcibly();
			waitForExit(process, STOP_TIMEOUT);
		}
		logger.info("Stopped etcd member {} (pid {})", this.name, process.pid());
	}

	/**
	 * Kill the process with {@code SIGKILL}, as {@code kill -9} would, and wait until it
	 * has gone. Works on a paused process too.
	 */
	public void kill() {
		Process process = this.process;
		this.paused = false;
		if (process == null || !process.isAlive()) {
			return;
		}
		process.destroyForcibly();
		waitForExit(process, STOP_TIMEOUT);
		logger.info("Killed etcd member {} (pid {})", this.name, process.pid());
	}

	/**
	 * Freeze the process with {@code SIGSTOP}: its sockets stay open but it answers
	 * nothing, as a hung or partitioned server would.
	 * @throws IllegalStateException if the process is not running
	 */
	public void pause() {
		Process process = requireRunning("pause");
		if (this.paused) {
			return;
		}
		signal(process, "STOP");
		awaitProcessState(process, true);
		this.paused = true;
		logger.info("Paused etcd member {} (pid {})", this.name, process.pid());
	}

	/**
	 * Continue a process frozen by {@link #pause()} with {@code SIGCONT}. Does nothing if
	 * the member is not paused.
	 */
	public void resume() {
		Process process = this.process;
		if (!this.paused || process == null || !process.isAlive()) {
			this.paused = false;
			return;
		}
		signal(process, "CONT");
		awaitProcessState(process, false);
		this.paused = false;
		logger.info("Resumed etcd member {} (pid {})", this.name, process.pid());
	}

	/**
	 * {@link #stop() Stop} and {@link #start() start} the member on the same ports with
	 * the same data directory, so data is kept and clients reconnect.
	 */
	public void restart() {
		stop();
		start();
	}

	/**
	 * Return whether {@code GET /health} answers {@code {"health":"true"}} within two
	 * seconds. A paused or stopped member is not healthy, nor is one without a leader.
	 * @return whether the member is healthy
	 */
	public boolean isHealthy() {
		return isRunning() && this.gateway.isHealthy(clientEndpoint());
	}

	/**
	 * Wait until the member is {@link #isHealthy() healthy}.
	 * @param timeout how long to wait
	 * @throws IllegalStateException if the member is not healthy in time or its process
	 * exits, with the tail of its log
	 */
	public void awaitHealthy(Duration timeout) {
		Deadline deadline = Deadline.after(timeout);
		while (!isHealthy()) {
			Process process = this.process;
			if (process == null) {
				throw new IllegalStateException("etcd member " + this.name + " was never started");
			}
			if (!process.isAlive()) {
				throw new IllegalStateException(failure("exited with code " + process.exitValue()));
			}
			if (deadline.hasPassed()) {
				String reason = "did not become healthy within " + timeout.toMillis() + " ms"
						+ (this.paused ? " (it is paused)" : "");
				throw new IllegalStateException(failure(reason));
			}
			deadline.pause(POLL_INTERVAL);
		}
	}

	/**
	 * Start the process without waiting for it to become healthy, so that the members of
	 * a new cluster can all start and find each other.
	 */
	void launch() {
		if (this.closed) {
			throw new IllegalStateException("etcd member " + this.name + " belongs to a closed cluster");
		}
		if (isRunning()) {
			return;
		}
		ProcessBuilder builder = new ProcessBuilder(command());
		// etcd reads ETCD_* variables as flags and refuses to start when one shadows a
		// flag
		builder.environment().keySet().removeIf((variable) -> variable.startsWith("ETCD_"));
		builder.redirectErrorStream(true);
		builder.redirectOutput(Redirect.appendTo(consoleFile().toFile()));
		Process process;
		try {
			process = builder.start();
			process.getOutputStream().close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + this.binary, ex);
		}
		this.process = process;
		this.paused = false;
		logger.info("Started etcd member {} (pid {}) on {}", this.name, process.pid(), clientEndpoint());
	}

	void clusterToken(String clusterToken) {
		this.clusterToken = clusterToken;
	}

	/**
	 * Delete the data directory. The process must not be running.
	 */
	void deleteData() {
		if (isRunning()) {
			throw new IllegalStateException("etcd member " + this.name + " is still running");
		}
		deleteRecursively(dataDirectory());
	}

	/**
	 * Kill the process and delete the member directory. There is nothing to shut down
	 * gracefully since the data is thrown away.
	 */
	void close() {
		this.closed = true;
		try {
			Process process = this.process;
			this.paused = false;
			if (process != null && process.isAlive()) {
				process.destroyForcibly();
				waitForExit(process, STOP_TIMEOUT);
				logger.info("Stopped etcd member {} (pid {})", this.name, process.pid());
			}
		}
		finally {
			deleteRecursively(this.directory);
			ProcessReaper.unregister(this);
		}
	}

	/**
	 * Kill and delete without logging or waiting long, from the shutdown hook.
	 */
	void destroyNow() {
		Process process = this.process;
		if (process != null) {
			process.destroyForcibly();
			waitForExit(process, Duration.ofSeconds(2));
		}
		deleteRecursively(this.directory);
	}

	private List<String> command() {
		List<String> command = new ArrayList<>(List.of(this.binary.toString(), "--name", this.name, "--data-dir",
				dataDirectory().toString(), "--listen-client-urls", clientEndpoint(), "--advertise-client-urls",
				clientEndpoint(), "--listen-peer-urls", peerEndpoint(), "--initial-advertise-peer-urls", peerEndpoint(),
				"--initial-cluster", this.initialCluster, "--initial-cluster-state", "new", "--initial-cluster-token",
				this.clusterToken, "--logger", "zap", "--log-outputs", logFile().toString()));
		EtcdCertificates certificates = this.certificates;
		if (this.security != EtcdSecurity.NONE && certificates != null) {
			command.addAll(List.of("--cert-file", certificates.serverCertificate().toString(), "--key-file",
					certificates.serverKey().toString()));
		}
		if (this.security == EtcdSecurity.MUTUAL_TLS && certificates != null) {
			command.addAll(List.of("--client-cert-auth", "--trusted-ca-file", certificates.caCertificate().toString()));
		}
		command.addAll(this.arguments);
		return command;
	}

	private Process requireProcess() {
		Process process = this.process;
		if (process == null) {
			throw new IllegalStateException("etcd member " + this.name + " was never started");
		}
		return process;
	}

	private Process requireRunning(String action) {
		Process process = requireProcess();
		if (!process.isAlive()) {
			throw new IllegalStateException("Cannot " + action + " etcd member " + this.name + ": it is not running");
		}
		return process;
	}

	private void signal(Process process, String signal) {
		ProcessBuilder builder = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
			.redirectErrorStream(true)
			.redirectOutput(Redirect.DISCARD);
		try {
			Process kill = builder.start();
			if (!waitForExit(kill, SIGNAL_TIMEOUT) || kill.exitValue() != 0) {
				throw new IllegalStateException(
						"'kill -" + signal + " " + process.pid() + "' failed for etcd member " + this.name);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run 'kill -" + signal + "'", ex);
		}
	}

	/**
	 * Wait until Linux reports the process as stopped or no longer stopped, because
	 * signals are delivered asynchronously. Without {@code /proc} there is nothing to
	 * check.
	 */
	private void awaitProcessState(Process process, boolean stopped) {
		Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
		Deadline deadline = Deadline.after(SIGNAL_TIMEOUT);
		while (process.isAlive()) {
			String state;
			try {
				String content = Files.readString(stat, StandardCharsets.UTF_8);
				// The command name in parentheses may contain spaces; the state follows
				// it
				state = content.substring(content.lastIndexOf(')') + 1).trim().substring(0, 1);
			}
			catch (IOException | RuntimeException ex) {
				return;
			}
			if ("T".equalsIgnoreCase(state) == stopped) {
				return;
			}
			if (deadline.hasPassed()) {
				throw new IllegalStateException("etcd member " + this.name + " did not become "
						+ (stopped ? "stopped" : "running") + " after a signal; its state is " + state);
			}
			deadline.pause(Duration.ofMillis(10));
		}
	}

	private String failure(String reason) {
		StringBuilder message = new StringBuilder();
		message.append("etcd member ").append(this.name).append(" at ").append(clientEndpoint()).append(' ');
		message.append(reason).append(". Last lines of ").append(logFile()).append(':');
		String log = tail(logFile());
		message.append(log.isBlank() ? " (none)" : log);
		String console = tail(consoleFile());
		if (!console.isBlank()) {
			message.append(System.lineSeparator()).append("Console output:").append(console);
		}
		return message.toString();
	}

	private static String tail(Path file) {
		if (!Files.isRegularFile(file)) {
			return "";
		}
		try {
			List<String> lines = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
			StringBuilder tail = new StringBuilder();
			for (String line : lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size())) {
				tail.append(System.lineSeparator()).append(line);
			}
			return tail.toString();
		}
		catch (IOException ex) {
			return System.lineSeparator() + "(could not read " + file + ": " + ex.getMessage() + ")";
		}
	}

	private static boolean waitForExit(Process process, Duration timeout) {
		try {
			return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for process " + process.pid(), ex);
		}
	}

	static void deleteRecursively(Path root) {
		if (!Files.exists(root)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(root)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not delete " + root, ex);
		}
	}

	@Override
	public String toString() {
		return "EtcdMember[" + this.name + " " + clientEndpoint() + "]";
	}

}
