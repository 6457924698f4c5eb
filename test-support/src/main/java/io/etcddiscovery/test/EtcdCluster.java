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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

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
 * <p>
 * {@link #withTls()} and {@link #withMutualTls()} serve the client port over TLS with
 * {@link EtcdCertificates certificates generated for the cluster};
 * {@link #enableAuth(String)} and {@link #addUser(String, String, String...)} turn on
 * etcd's authentication. The harness's own operations ({@link #deleteAllKeys()},
 * {@link #compact()}, health checks) keep working in every case.
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

	private static final String ROOT = "root";

	private static final String TLS_DIRECTORY = "tls";

	private final int size;

	private final Duration startupTimeout;

	private final EtcdSecurity security;

	private final List<String> arguments;

	private final List<EtcdMember> members = new ArrayList<>();

	private EtcdGateway gateway = EtcdGateway.plain();

	private @Nullable EtcdCertificates certificates;

	private volatile @Nullable String rootPassword;

	// Simple tokens live in one member's memory only, so each member needs its own
	private final Map<String, String> rootTokens = new ConcurrentHashMap<>();

	private boolean closed;

	private EtcdCluster(int size, Duration startupTimeout, EtcdSecurity security, List<String> arguments) {
		if (size < 1) {
			throw new IllegalArgumentException("'size' must be at least 1");
		}
		if (startupTimeout.isNegative() || startupTimeout.isZero()) {
			throw new IllegalArgumentException("'startupTimeout' must be positive");
		}
		this.size = size;
		this.startupTimeout = startupTimeout;
		this.security = security;
		this.arguments = List.copyOf(arguments);
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
		return new EtcdCluster(size, DEFAULT_STARTUP_TIMEOUT, EtcdSecurity.NONE, List.of());
	}

	/**
	 * Return a copy of this (unstarted) cluster that waits up to {@code startupTimeout}
	 * for members to become healthy, on start and whenever a member is brought back.
	 * @param startupTimeout how long to wait
	 * @return a new cluster
	 */
	public EtcdCluster withStartupTimeout(Duration startupTimeout) {
		return new EtcdCluster(this.size, startupTimeout, this.security, this.arguments);
	}

	/**
	 * Return a copy of this (unstarted) cluster whose members serve their client port
	 * over TLS, with a server certificate for {@code 127.0.0.1} and {@code localhost}
	 * signed by a certificate authority generated for the cluster. Clients must trust
	 * {@link #caCertificate()}; they need not present a certificate. Client URLs are
	 * {@code https://127.0.0.1:<port>}.
	 * @return a new cluster
	 */
	public EtcdCluster withTls() {
		return new EtcdCluster(this.size, this.startupTimeout, EtcdSecurity.TLS, this.arguments);
	}

	/**
	 * Return a copy of this (unstarted) cluster whose members serve their client port
	 * over TLS, as with {@link #withTls()}, and require clients to present a certificate
	 * signed by the cluster's authority ({@code --client-cert-auth}), such as
	 * {@link #clientCertificate()}.
	 * @return a new cluster
	 */
	public EtcdCluster withMutualTls() {
		return new EtcdCluster(this.size, this.startupTimeout, EtcdSecurity.MUTUAL_TLS, this.arguments);
	}

	/**
	 * Return a copy of this (unstarted) cluster that passes more flags to every etcd
	 * process, after the harness's own, for example {@code --auth-token-ttl=2}.
	 * @param arguments the flags
	 * @return a new cluster
	 */
	public EtcdCluster withArguments(String... arguments) {
		List<String> all = new ArrayList<>(this.arguments);
		all.addAll(Arrays.asList(arguments));
		return new EtcdCluster(this.size, this.startupTimeout, this.security, all);
	}

	/**
	 * Return an unstarted cluster with the same settings as this one.
	 * @return a new cluster
	 */
	EtcdCluster unstartedCopy() {
		return new EtcdCluster(this.size, this.startupTimeout, this.security, this.arguments);
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
				if (i == 0 && this.security != EtcdSecurity.NONE) {
					generateCertificates(directory);
				}
				this.members.add(new EtcdMember(memberName(i), binary, ports.get(2 * i), ports.get(2 * i + 1),
						directory, initialCluster, token, this.startupTimeout, this.security, this.certificates,
						this.gateway, this.arguments));
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

	/**
	 * Generate the cluster's certificates into the first member's directory, which every
	 * member reads them from and which goes when the cluster is closed.
	 */
	private void generateCertificates(Path directory) {
		try {
			EtcdCertificates certificates = EtcdCertificates.generate(directory.resolve(TLS_DIRECTORY));
			this.certificates = certificates;
			this.gateway = EtcdGateway.tls(certificates);
		}
		catch (RuntimeException ex) {
			EtcdMember.deleteRecursively(directory);
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
	 * {@code [http://127.0.0.1:40123]}, or {@code https://...} for a cluster that serves
	 * TLS.
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
	 * Return the certificates of a cluster started {@link #withTls()} or
	 * {@link #withMutualTls()}.
	 * @return the certificates
	 * @throws IllegalStateException if the cluster does not serve TLS
	 */
	public EtcdCertificates certificates() {
		requireStarted();
		EtcdCertificates certificates = this.certificates;
		if (certificates == null) {
			throw new IllegalStateException(
					"The etcd cluster does not serve TLS: create it with withTls() or withMutualTls()");
		}
		return certificates;
	}

	/**
	 * Return the PEM file of the certificate authority that signed the server and client
	 * certificates, for a client's trust store.
	 * @return the CA certificate
	 * @throws IllegalStateException if the cluster does not serve TLS
	 * @see EtcdCertificates#caCertificate()
	 */
	public Path caCertificate() {
		return certificates().caCertificate();
	}

	/**
	 * Return the PEM file of a client certificate signed by the cluster's authority.
	 * @return the client certificate
	 * @throws IllegalStateException if the cluster does not serve TLS
	 * @see EtcdCertificates#clientCertificate()
	 */
	public Path clientCertificate() {
		return certificates().clientCertificate();
	}

	/**
	 * Return the PEM file of the private key of {@link #clientCertificate()}.
	 * @return the client key, PKCS#8
	 * @throws IllegalStateException if the cluster does not serve TLS
	 * @see EtcdCertificates#clientKey()
	 */
	public Path clientKey() {
		return certificates().clientKey();
	}

	/**
	 * Turn on etcd's authentication: add the user {@code root} with the role
	 * {@code root}, then enable authentication. From then on the harness authenticates as
	 * {@code root} for its own operations, such as {@link #deleteAllKeys()}, and
	 * authenticates again when etcd says its token expired. Authentication stays on
	 * across {@link #restart()}; {@link #wipeAndRestart()} turns it off with the data.
	 * @param rootPassword the password of {@code root}
	 * @throws IllegalStateException if authentication is already enabled
	 */
	public void enableAuth(String rootPassword) {
		requireStarted();
		if (this.rootPassword != null) {
			throw new IllegalStateException("Authentication is already enabled");
		}
		post("/v3/auth/user/add",
				"{\"name\":" + EtcdGateway.quote(ROOT) + ",\"password\":" + EtcdGateway.quote(rootPassword) + "}");
		post("/v3/auth/role/add", "{\"name\":" + EtcdGateway.quote(ROOT) + "}");
		post("/v3/auth/user/grant",
				"{\"user\":" + EtcdGateway.quote(ROOT) + ",\"role\":" + EtcdGateway.quote(ROOT) + "}");
		post("/v3/auth/enable", "{}");
		this.rootTokens.clear();
		this.rootPassword = rootPassword;
	}

	/**
	 * Return whether {@link #enableAuth(String)} turned authentication on.
	 * @return whether authentication is enabled
	 */
	public boolean isAuthEnabled() {
		return this.rootPassword != null;
	}

	/**
	 * Add a user that may read and write the keys under each of {@code readWritePrefixes}
	 * and nothing else, through a role of the same name as the user. Works before and
	 * after {@link #enableAuth(String)}. <pre class="code">
	 * etcd.addUser("orders", "secret", "/services/");  // least privilege
	 * etcd.addUser("nobody", "secret");                // authenticates, may do nothing
	 * </pre>
	 * @param name the user name
	 * @param password the password
	 * @param readWritePrefixes the key prefixes the user may read and write, for example
	 * {@code /services/}
	 */
	public void addUser(String name, String password, String... readWritePrefixes) {
		requireStarted();
		post("/v3/auth/user/add",
				"{\"name\":" + EtcdGateway.quote(name) + ",\"password\":" + EtcdGateway.quote(password) + "}");
		if (readWritePrefixes.length == 0) {
			return;
		}
		post("/v3/auth/role/add", "{\"name\":" + EtcdGateway.quote(name) + "}");
		for (String prefix : readWritePrefixes) {
			byte[] key = prefix.getBytes(StandardCharsets.UTF_8);
			post("/v3/auth/role/grant",
					"{\"name\":" + EtcdGateway.quote(name) + ",\"perm\":{\"permType\":\"READWRITE\",\"key\":\""
							+ base64(key) + "\",\"range_end\":\"" + base64(prefixEnd(key)) + "\"}}");
		}
		post("/v3/auth/user/grant",
				"{\"user\":" + EtcdGateway.quote(name) + ",\"role\":" + EtcdGateway.quote(name) + "}");
	}

	/**
	 * Authenticate a user, as a client does before its first request, and return the
	 * token etcd issued. A simple token expires once it has not been used for
	 * {@code --auth-token-ttl} seconds (300 by default).
	 * @param name the user name
	 * @param password the password
	 * @return the token
	 * @throws IllegalStateException if etcd refuses the user or the password
	 */
	public String authenticate(String name, String password) {
		requireStarted();
		try {
			return authenticate(member(0).clientEndpoint(), name, password);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("etcd did not answer " + member(0).clientEndpoint(), ex);
		}
	}

	/**
	 * Return whether the first member still accepts {@code token}, checked with a read
	 * that also renews the token, as any request does.
	 * @param token a token from {@link #authenticate(String, String)}
	 * @return whether the token is valid
	 */
	public boolean isTokenValid(String token) {
		requireStarted();
		try {
			this.gateway.post(member(0).clientEndpoint(), "/v3/kv/range", "{\"key\":\"AA==\",\"count_only\":true}",
					token);
			return true;
		}
		catch (EtcdGateway.ErrorResponseException ex) {
			// A user without permission is still authenticated
			return !isTokenError(ex);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("etcd did not answer " + member(0).clientEndpoint(), ex);
		}
	}

	private String authenticate(String endpoint, String name, String password) throws IOException {
		String response = this.gateway.post(endpoint, "/v3/auth/authenticate",
				"{\"name\":" + EtcdGateway.quote(name) + ",\"password\":" + EtcdGateway.quote(password) + "}");
		String token = EtcdGateway.field(response, "token");
		if (token == null || token.isEmpty()) {
			throw new IllegalStateException("etcd issued no token to " + name + ": " + response);
		}
		return token;
	}

	private static boolean isTokenError(EtcdGateway.ErrorResponseException ex) {
		return ex.body().contains("invalid auth token") || ex.body().contains("revision of auth store is old");
	}

	private static String base64(byte[] bytes) {
		return Base64.getEncoder().encodeToString(bytes);
	}

	/**
	 * Return the end of the range of keys that start with {@code prefix}, as etcdctl's
	 * {@code --prefix} computes it.
	 */
	static byte[] prefixEnd(byte[] prefix) {
		byte[] end = Arrays.copyOf(prefix, prefix.length);
		for (int i = end.length - 1; i >= 0; i--) {
			if (end[i] != (byte) 0xff) {
				end[i]++;
				return Arrays.copyOf(end, i + 1);
			}
		}
		// Only 0xff bytes: every key from the prefix on
		return new byte[] { 0 };
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
				String status = post(member.clientEndpoint(), "/v3/maintenance/status", "{}");
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
		// Users, roles and the auth switch were data too
		this.rootPassword = null;
		this.rootTokens.clear();
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
				return post(member.clientEndpoint(), path, json);
			}
			catch (IOException ex) {
				failure = ex;
			}
		}
		throw new IllegalStateException("No etcd member answered " + path, failure);
	}

	private String post(String endpoint, String path, String json) throws IOException {
		String password = this.rootPassword;
		if (password == null) {
			return this.gateway.post(endpoint, path, json);
		}
		String token = this.rootTokens.get(endpoint);
		if (token == null) {
			token = authenticate(endpoint, ROOT, password);
			this.rootTokens.put(endpoint, token);
		}
		try {
			return this.gateway.post(endpoint, path, json, token);
		}
		catch (EtcdGateway.ErrorResponseException ex) {
			if (!isTokenError(ex)) {
				throw ex;
			}
			// Expired (--auth-token-ttl) or lost with a restart: authenticate again
			token = authenticate(endpoint, ROOT, password);
			this.rootTokens.put(endpoint, token);
			return this.gateway.post(endpoint, path, json, token);
		}
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
