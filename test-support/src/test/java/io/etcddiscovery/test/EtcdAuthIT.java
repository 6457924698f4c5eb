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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for etcd authentication set up by the harness: users restricted to a
 * prefix, and the harness's own operations as {@code root}, with tokens that expire after
 * two idle seconds.
 *
 * @author etcd-discovery authors
 */
class EtcdAuthIT {

	private static final String ROOT_PASSWORD = "root-secret";

	private static final String PASSWORD = "orders-secret";

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode().withArguments("--auth-token-ttl=2");

	@BeforeAll
	static void enableAuth() {
		etcd.addUser("orders", PASSWORD, "/services/");
		etcd.enableAuth(ROOT_PASSWORD);
		etcd.addUser("nobody", PASSWORD);
	}

	@Test
	void userMayWriteOnlyUnderItsPrefix() throws Exception {
		try (Client client = client("orders", PASSWORD)) {
			put(client, "/services/orders/1", "up");
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> put(client, "/config/x", "y"))
				.withMessageContaining("permission denied");
		}
	}

	@Test
	void userWithoutARoleMayDoNothing() {
		try (Client client = client("nobody", PASSWORD)) {
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> put(client, "/services/orders/1", "up"))
				.withMessageContaining("permission denied");
		}
	}

	@Test
	void clientsWithoutCredentialsAreRefused() {
		try (Client client = Client.builder().endpoints(etcd.endpoints().toArray(String[]::new)).build()) {
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> put(client, "/services/a", "b"))
				.withMessageContaining("user name is empty");
		}
	}

	@Test
	void harnessOperationsAuthenticateAsRootAgainAfterTheTokenExpired() throws Exception {
		try (Client client = client("orders", PASSWORD)) {
			put(client, "/services/orders/2", "up");
		}
		assertThat(etcd.cluster().isAuthEnabled()).isTrue();
		assertThat(etcd.deleteAllKeys()).isPositive();
		String token = etcd.cluster().authenticate("orders", PASSWORD);
		// Polled no more often than the TTL: every use renews a simple token
		await().pollDelay(Duration.ofMillis(2500))
			.pollInterval(Duration.ofMillis(2500))
			.atMost(Duration.ofSeconds(15))
			.until(() -> !etcd.cluster().isTokenValid(token));
		assertThat(etcd.compact()).isPositive();
		assertThat(etcd.deleteAllKeys()).isZero();
		etcd.restart();
		assertThat(etcd.deleteAllKeys()).as("after a restart, which forgets every token").isZero();
	}

	@Test
	void refusesAWrongPassword() {
		assertThatIllegalStateException().isThrownBy(() -> etcd.cluster().authenticate("orders", "wrong"))
			.withMessageContaining("authentication failed");
	}

	private static Client client(String user, String password) {
		return Client.builder()
			.endpoints(etcd.endpoints().toArray(String[]::new))
			.user(bytes(user))
			.password(bytes(password))
			.build();
	}

	private static void put(Client client, String key, String value) throws Exception {
		client.getKVClient().put(bytes(key), bytes(value)).get(5, TimeUnit.SECONDS);
	}

	private static ByteSequence bytes(String value) {
		return ByteSequence.from(value, StandardCharsets.UTF_8);
	}

}
