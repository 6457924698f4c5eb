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

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit Jupiter extension that runs a real {@link EtcdCluster} for a test class.
 *
 * <pre class="code">
 * class RegistrationIT {
 *
 *     &#64;RegisterExtension
 *     static final EtcdExtension etcd = EtcdExtension.singleNode();
 *
 *     &#64;Test
 *     void reconnectsAfterRestart() {
 *         // connect to etcd.endpoint(), then etcd.kill(), etcd.restart(), ...
 *     }
 *
 * }
 * </pre>
 *
 * Registered on a {@code static} field, the cluster starts once before all tests of the
 * class and is closed after them; before each test every member is resumed, restarted if
 * a previous test stopped or killed it, and awaited healthy. Registered on an instance
 * field, each test gets a cluster of its own. Keys are not deleted between tests; call
 * {@link #deleteAllKeys()} when a test needs an empty etcd.
 * <p>
 * A secured etcd is one call away:
 *
 * <pre class="code">
 * &#64;RegisterExtension
 * static final EtcdExtension etcd = EtcdExtension.singleNode().withMutualTls();
 *
 * // https endpoints; PEM files from etcd.caCertificate(), etcd.clientCertificate(), etcd.clientKey()
 *
 * &#64;BeforeAll
 * static void users() {
 *     etcd.enableAuth("root-secret");
 *     etcd.addUser("orders", "orders-secret", "/services/");
 * }
 * </pre>
 *
 * @author etcd-discovery authors
 */
public final class EtcdExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

	private final EtcdCluster template;

	private @Nullable EtcdCluster cluster;

	private @Nullable String owner;

	private EtcdExtension(EtcdCluster template) {
		this.template = template;
	}

	/**
	 * Create an extension that runs a single etcd member.
	 * @return the extension
	 */
	public static EtcdExtension singleNode() {
		return cluster(1);
	}

	/**
	 * Create an extension that runs a cluster of {@code size} members.
	 * @param size the number of members, usually 3
	 * @return the extension
	 */
	public static EtcdExtension cluster(int size) {
		if (size < 1) {
			throw new IllegalArgumentException("'size' must be at least 1");
		}
		return new EtcdExtension(EtcdCluster.ofSize(size));
	}

	/**
	 * Return a copy of this extension that waits up to {@code startupTimeout} for members
	 * to become healthy.
	 * @param startupTimeout how long to wait
	 * @return a new extension
	 * @see EtcdCluster#withStartupTimeout(Duration)
	 */
	public EtcdExtension withStartupTimeout(Duration startupTimeout) {
		if (startupTimeout.isNegative() || startupTimeout.isZero()) {
			throw new IllegalArgumentException("'startupTimeout' must be positive");
		}
		return new EtcdExtension(this.template.withStartupTimeout(startupTimeout));
	}

	/**
	 * Return a copy of this extension whose etcd serves TLS with certificates generated
	 * for it.
	 * @return a new extension
	 * @see EtcdCluster#withTls()
	 */
	public EtcdExtension withTls() {
		return new EtcdExtension(this.template.withTls());
	}

	/**
	 * Return a copy of this extension whose etcd serves TLS and requires a client
	 * certificate signed by the authority generated for it.
	 * @return a new extension
	 * @see EtcdCluster#withMutualTls()
	 */
	public EtcdExtension withMutualTls() {
		return new EtcdExtension(this.template.withMutualTls());
	}

	/**
	 * Return a copy of this extension that passes more flags to every etcd process, for
	 * example {@code --auth-token-ttl=2}.
	 * @param arguments the flags
	 * @return a new extension
	 * @see EtcdCluster#withArguments(String...)
	 */
	public EtcdExtension withArguments(String... arguments) {
		return new EtcdExtension(this.template.withArguments(arguments));
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		// @Nested classes call back with the same instance; the outermost class owns it
		if (this.cluster == null) {
			start(context);
		}
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		EtcdCluster cluster = this.cluster;
		if (cluster == null) {
			start(context);
		}
		else {
			cluster.ensureRunning();
		}
	}

	@Override
	public void afterEach(ExtensionContext context) {
		closeIfOwnedBy(context);
	}

	@Override
	public void afterAll(ExtensionContext context) {
		closeIfOwnedBy(context);
	}

	private void start(ExtensionContext context) {
		// A cluster that fails to start cleans up after itself
		this.cluster = this.template.unstartedCopy().start();
		this.owner = context.getUniqueId();
	}

	private void closeIfOwnedBy(ExtensionContext context) {
		EtcdCluster cluster = this.cluster;
		if (cluster != null && context.getUniqueId().equals(this.owner)) {
			this.cluster = null;
			this.owner = null;
			cluster.close();
		}
	}

	/**
	 * Return the running cluster.
	 * @return the cluster
	 * @throws IllegalStateException outside of a test or if the extension is not
	 * registered with {@code @RegisterExtension}
	 */
	public EtcdCluster cluster() {
		EtcdCluster cluster = this.cluster;
		if (cluster == null) {
			throw new IllegalStateException(
					"etcd is not running: register the EtcdExtension with @RegisterExtension and use it from a test");
		}
		return cluster;
	}

	/**
	 * Return the client URLs of all members.
	 * @return the client endpoints
	 * @see EtcdCluster#clientEndpoints()
	 */
	public List<String> endpoints() {
		return cluster().clientEndpoints();
	}

	/**
	 * Return the client URL of the first member.
	 * @return the client endpoint
	 * @see EtcdCluster#clientEndpoint()
	 */
	public String endpoint() {
		return cluster().clientEndpoint();
	}

	/**
	 * Return the member at {@code index}.
	 * @param index the member index, starting from 0
	 * @return the member
	 */
	public EtcdMember member(int index) {
		return cluster().member(index);
	}

	/**
	 * Return all members.
	 * @return the members
	 */
	public List<EtcdMember> members() {
		return cluster().members();
	}

	/**
	 * Return the current leader.
	 * @return the leader
	 * @see EtcdCluster#leader()
	 */
	public EtcdMember leader() {
		return cluster().leader();
	}

	/**
	 * Wait until every member is healthy.
	 * @param timeout how long to wait
	 * @see EtcdCluster#awaitHealthy(Duration)
	 */
	public void awaitHealthy(Duration timeout) {
		cluster().awaitHealthy(timeout);
	}

	/**
	 * Stop the only member gracefully.
	 * @see EtcdMember#stop()
	 */
	public void stop() {
		cluster().stop();
	}

	/**
	 * Kill the only member with {@code SIGKILL}.
	 * @see EtcdMember#kill()
	 */
	public void kill() {
		cluster().kill();
	}

	/**
	 * Freeze the only member with {@code SIGSTOP}.
	 * @see EtcdMember#pause()
	 */
	public void pause() {
		cluster().pause();
	}

	/**
	 * Continue the only member with {@code SIGCONT}.
	 * @see EtcdMember#resume()
	 */
	public void resume() {
		cluster().resume();
	}

	/**
	 * Restart the only member, keeping its data.
	 * @see EtcdMember#restart()
	 */
	public void restart() {
		cluster().restart();
	}

	/**
	 * Throw all data away and start a brand-new cluster on the same ports.
	 * @see EtcdCluster#wipeAndRestart()
	 */
	public void wipeAndRestart() {
		cluster().wipeAndRestart();
	}

	/**
	 * Resume, restart and await every member.
	 * @see EtcdCluster#ensureRunning()
	 */
	public void ensureRunning() {
		cluster().ensureRunning();
	}

	/**
	 * Compact the history up to the current revision.
	 * @return the revision compacted to
	 * @see EtcdCluster#compact()
	 */
	public long compact() {
		return cluster().compact();
	}

	/**
	 * Delete every key.
	 * @return the number of keys deleted
	 * @see EtcdCluster#deleteAllKeys()
	 */
	public long deleteAllKeys() {
		return cluster().deleteAllKeys();
	}

	/**
	 * Return the certificates of an etcd that serves TLS.
	 * @return the certificates
	 * @see EtcdCluster#certificates()
	 */
	public EtcdCertificates certificates() {
		return cluster().certificates();
	}

	/**
	 * Return the PEM file of the certificate authority an etcd that serves TLS is trusted
	 * through.
	 * @return the CA certificate
	 * @see EtcdCluster#caCertificate()
	 */
	public Path caCertificate() {
		return cluster().caCertificate();
	}

	/**
	 * Return the PEM file of a client certificate signed by the authority.
	 * @return the client certificate
	 * @see EtcdCluster#clientCertificate()
	 */
	public Path clientCertificate() {
		return cluster().clientCertificate();
	}

	/**
	 * Return the PEM file of the private key of the client certificate.
	 * @return the client key
	 * @see EtcdCluster#clientKey()
	 */
	public Path clientKey() {
		return cluster().clientKey();
	}

	/**
	 * Turn on etcd's authentication with a {@code root} user.
	 * @param rootPassword the password of {@code root}
	 * @see EtcdCluster#enableAuth(String)
	 */
	public void enableAuth(String rootPassword) {
		cluster().enableAuth(rootPassword);
	}

	/**
	 * Add a user that may read and write only the keys under the given prefixes.
	 * @param name the user name
	 * @param password the password
	 * @param readWritePrefixes the key prefixes the user may read and write
	 * @see EtcdCluster#addUser(String, String, String...)
	 */
	public void addUser(String name, String password, String... readWritePrefixes) {
		cluster().addUser(name, password, readWritePrefixes);
	}

}
