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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A real etcd cluster of one or more {@link EtcdMember members}, each an {@code etcd}
 * process on free loopback ports with its own temporary directory. Fails, rather than
 * skips, when etcd is not installed.
 *
 * <pre class="code">
 * try (EtcdCluster etcd = EtcdCluster.singleNode().start()) {
 *     Client client = Client.builder().endpoints(etcd.clientEndpoint()).build();
 *     // ...
 * }
 * </pre>
 *
 * The single-node operations ({@link #stop()}, {@link #kill()}, {@link #pause()},
 * {@link #resume()}, {@link #restart()}) need a cluster of one member; use
 * {@link #member(int)} or {@link #leader()} in a larger cluster.
 *
 * @author etcd-discovery authors
 * @see EtcdExtension
 */
public final class EtcdCluster implements AutoCloseable {

	/**
	 * How long {@link #start()} waits for the members to become healthy unless told
	 * otherwise.
	 */
	public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(30);

	// The key "\0" with a range end of "\0" selects every key
	private static final String ALL_KEYS = "\"key\":\"AA==\",\"range_end\":\"AA==\"";

	private final int size;

	private final Duration startupTimeout;

	private final List<EtcdMember> members = new ArrayList<>();

	private boolean closed;

	private EtcdCluster(int size, Duration startupTimeout) {
		if (size < 1) {
			throw new IllegalArgumentException("'size' must be at least 1");
		}
		if (startupTimeout.isNegative() || startupTimeout.isZero()) {
			throw new IllegalArgumentException("'startupTimeout' must be positive");
		}
		this.size = size;
		this.startupTimeout = startupTimeout;
	}

	/**
	 * Create a cluster of one member. Nothing runs until {@link #start()}.
	 * @return the cluster
	 */
	public static EtcdCluster singleNode() {
		return ofSize(1);
	}

	/**
	 * Create a cluster of {@code size} members. Nothing runs until {@link #start()}.
	 * @param size the number of members, usually 1 or 3
	 * @return the cluster
	 */
	public static EtcdCluster ofSize(int size) {
		return new EtcdCluster(size, DEFAULT_STARTUP_TIMEOUT);
	}

	/**
	 * Return a copy of this (unstarted) cluster that waits up to {@code startupTimeout}
	 * for members to become healthy, on start and whenever a member is brought back.
	 * @param startupTimeout how long to wait
	 * @return a new cluster
	 */
	public EtcdCluster withStartupTimeout(Duration startupTimeout) {
		return new EtcdCluster(this.size, startupTimeout);
	}

	/**
	 * Start every member, concurrently so that they can form a quorum, and wait until all
	 * of them are healthy. On failure everything started so far is cleaned up.
	 * @return this cluster
	 * @throws IllegalStateException if etcd is not installed or a member does not become
	 * healthy in time, with the tail of its log
	 */
	public EtcdCluster start() {
		if (this.closed) {
			throw new IllegalStateException("The etcd cluster has been closed");
		}
		if (!this.members.isEmpty()) {
			throw new IllegalStateException("The etcd cluster has already been started");
		}
		Path binary = EtcdBinary.locate();
		List<Integer> ports = FreePorts.allocate(this.size * 2);
		String initialCluster = initialCluster(ports);
		String token = newClusterToken();
		try {
			for (int i = 0; i < this.size; i++) {
				Path directory = Files.createTempDirectory("etcd-test-");
				this.members.add(new EtcdMember(memberName(i), binary, ports.get(2 * i), ports.get(2 * i + 1),
						directory, initialCluster, token, this.startupTimeout));
			}
			this.members.forEach(EtcdMember::launch);
			awaitHealthy(this.startupTimeout);
			return this;
		}
		catch (IOException ex) {
			close();
			throw new UncheckedIOException("Could not create a temporary directory for etcd", ex);
		}
		catch (RuntimeException ex) {
			close();
			throw ex;
		}
	}

	private String initialCluster(List<Integer> ports) {
		List<String> peers = new ArrayList<>();
		for (int i = 0; i < this.size; i++) {
			peers.add(memberName(i) + "=http://" + EtcdMember.HOST + ":" + ports.get(2 * i + 1));
		}
		return String.join(",", peers);
	}

	private static String memberName(int index) {
		return "etcd-" + index;
	}

	private static String newClusterToken() {
		return "etcd-test-" + UUID.randomUUID();
	}

	/**
	 * Return whether {@link #start()} has been called and {@link #close()} has not.
	 * @return whether the cluster is started
	 */
	public boolean isStarted() {
		return !this.members.isEmpty() && !this.closed;
	}

	/**
	 * Return the number of members.
	 * @return the size of the cluster
	 */
	public int size() {
		return this.size;
	}

	/**
	 * Return the members in order.
	 * @return the members
	 */
	public List<EtcdMember> members() {
		requireStarted();
		return List.copyOf(this.members);
	}

	/**
	 * Return the member at {@code index}, starting from 0.
	 * @param index the member index
	 * @return the member
	 */
	public EtcdMember member(int index) {
		requireStarted();
		if (index < 0 || index >= this.members.size()) {
			throw new IndexOutOfBoundsException(
					"Member " + index + " does not exist in a cluster of " + this.members.size());
		}
		return this.members.get(index);
	}

	/**
	 * Return the client URLs of all members, for example
	 * {@code [http://127.0.0.1:40123]}.
	 * @return the client endpoints
	 */
	public List<String> clientEndpoints() {
		return members().stream().map(EtcdMember::clientEndpoint).toList();
	}

	/**
	 * Return the client URL of the first member.
	 * @return the client endpoint
	 */
	public String clientEndpoint() {
		return member(0).clientEndpoint();
	}

	/**
	 * Wait until every member is {@link EtcdMember#isHealthy() healthy}.
	 * @param timeout how long to wait for all of them together
	 * @throws IllegalStateException if a member is not healthy in time, with the tail of
	 * its log
	 */
	public void awaitHealthy(Duration timeout) {
		Deadline deadline = Deadline.after(timeout);
		for (EtcdMember member : members()) {
			member.awaitHealthy(deadline.remaining());
		}
	}

	/**
	 * Return the current leader, asking each running member for its status.
	 * @return the leader
	 * @throws IllegalStateException if no member currently knows a leader
	 */
	public EtcdMember leader() {
		for (EtcdMember member : reachableMembers()) {
			try {
				String status = EtcdGateway.post(member.clientEndpoint(), "/v3/maintenance/status", "{}");
				String leader = EtcdGateway.field(status, "leader");
				if (leader != null && leader.equals(EtcdGateway.field(status, "member_id"))) {
					return member;
				}
			}
			catch (IOException ex) {
				// Not answering: it cannot be the leader we are looking for
			}
		}
		throw new IllegalStateException("No etcd member is the leader at the moment");
	}

	/**
	 * Delete every key.
	 * @return the number of keys deleted
	 */
	public long deleteAllKeys() {
		String response = post("/v3/kv/deleterange", "{" + ALL_KEYS + "}");
		String deleted = EtcdGateway.field(response, "deleted");
		return (deleted != null) ? Long.parseLong(deleted) : 0;
	}

	/**
	 * Compact the key-value history up to the current revision and wait until the
	 * compaction is physically applied, so that watches from older revisions fail.
	 * @return the revision compacted to
	 */
	public long compact() {
		String range = post("/v3/kv/range", "{" + ALL_KEYS + ",\"count_only\":true}");
		String value = EtcdGateway.field(range, "revision");
		if (value == null) {
			throw new IllegalStateException("etcd did not report a revision: " + range);
		}
		long revision = Long.parseLong(value);
		try {
			post("/v3/kv/compaction", "{\"revision\":\"" + revision + "\",\"physical\":true}");
		}
		catch (EtcdGateway.ErrorResponseException ex) {
			// Nothing was written since the last compaction: already compacted to here
			if (!ex.body().contains("required revision has been compacted")) {
				throw ex;
			}
		}
		return revision;
	}

	/**
	 * Resume paused members, start stopped ones and wait until every member is healthy:
	 * undoes whatever faults a test injected.
	 */
	public void ensureRunning() {
		for (EtcdMember member : members()) {
			member.resume();
		}
		for (EtcdMember member : members()) {
			member.launch();
		}
		awaitHealthy(this.startupTimeout);
	}

	/**
	 * Throw the data of every member away and start a brand-new cluster on the same
	 * ports, so clients reconnect to an empty etcd.
	 */
	public void wipeAndRestart() {
		List<EtcdMember> members = members();
		// The data is discarded, so there is nothing to shut down gracefully
		members.forEach(EtcdMember::kill);
		members.forEach(EtcdMember::deleteData);
		String token = newClusterToken();
		for (EtcdMember member : members) {
			member.clusterToken(token);
			member.launch();
		}
		awaitHealthy(this.startupTimeout);
	}

	/**
	 * Stop the only member gracefully.
	 * @see EtcdMember#stop()
	 */
	public void stop() {
		onlyMember("stop").stop();
	}

	/**
	 * Kill the only member with {@code SIGKILL}.
	 * @see EtcdMember#kill()
	 */
	public void kill() {
		onlyMember("kill").kill();
	}

	/**
	 * Freeze the only member with {@code SIGSTOP}.
	 * @see EtcdMember#pause()
	 */
	public void pause() {
		onlyMember("pause").pause();
	}

	/**
	 * Continue the only member with {@code SIGCONT}.
	 * @see EtcdMember#resume()
	 */
	public void resume() {
		onlyMember("resume").resume();
	}

	/**
	 * Restart the only member on the same ports, keeping its data.
	 * @see EtcdMember#restart()
	 */
	public void restart() {
		onlyMember("restart").restart();
	}

	/**
	 * Kill every member and delete every temporary directory. Safe to call more than once
	 * and after a failed start.
	 */
	@Override
	public void close() {
		this.closed = true;
		@Nullable RuntimeException failure = null;
		for (EtcdMember member : this.members) {
			try {
				member.close();
			}
			catch (RuntimeException ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	private EtcdMember onlyMember(String operation) {
		requireStarted();
		if (this.members.size() != 1) {
			throw new IllegalStateException("Cannot " + operation + " a cluster of " + this.members.size()
					+ " members as a whole: use member(int) or leader()");
		}
		return this.members.get(0);
	}

	private List<EtcdMember> reachableMembers() {
		return members().stream().filter((member) -> member.isRunning() && !member.isPaused()).toList();
	}

	private String post(String path, String json) {
		@Nullable IOException failure = null;
		for (EtcdMember member : reachableMembers()) {
			try {
				return EtcdGateway.post(member.clientEndpoint(), path, json);
			}
			catch (IOException ex) {
				failure = ex;
			}
		}
		throw new IllegalStateException("No etcd member answered " + path, failure);
	}

	private void requireStarted() {
		if (this.closed) {
			throw new IllegalStateException("The etcd cluster has been closed");
		}
		if (this.members.isEmpty()) {
			throw new IllegalStateException("The etcd cluster has not been started");
		}
	}

	@Override
	public String toString() {
		return "EtcdCluster" + this.members.stream().map(EtcdMember::name).toList();
	}

}
