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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for etcd members that serve TLS, and mutual TLS, with certificates
 * the harness generates.
 *
 * @author etcd-discovery authors
 */
class EtcdTlsIT {

	private static final Duration RECOVERY = Duration.ofSeconds(20);

	@Test
	void plainClusterHasNoCertificates() {
		try (EtcdCluster cluster = EtcdCluster.singleNode().start()) {
			assertThat(cluster.clientEndpoint()).startsWith("http://");
			assertThatIllegalStateException().isThrownBy(cluster::caCertificate).withMessageContaining("withTls()");
		}
	}

	@Test
	void everyGenerationHasItsOwnAuthority(@TempDir Path directory) throws Exception {
		EtcdCertificates first = EtcdCertificates.generate(directory.resolve("first"));
		EtcdCertificates second = EtcdCertificates.generate(directory.resolve("second"));
		assertThat(List.of(first.caCertificate(), first.serverCertificate(), first.serverKey(),
				first.clientCertificate(), first.clientKey()))
			.allSatisfy((file) -> assertThat(file).isRegularFile().content().startsWith("-----BEGIN "));
		assertThat(first.clientKey()).content().startsWith("-----BEGIN PRIVATE KEY-----");
		assertThat(Files.readString(first.caCertificate())).isNotEqualTo(Files.readString(second.caCertificate()));
	}

	@Nested
	class ServerTls {

		@RegisterExtension
		static final EtcdExtension etcd = EtcdExtension.singleNode().withTls();

		@Test
		void servesHttpsEndpointsWithTheGeneratedCertificates() throws Exception {
			assertThat(etcd.endpoint()).matches("https://127\\.0\\.0\\.1:\\d+");
			assertThat(etcd.caCertificate()).startsWith(etcd.member(0).directory());
			assertThat(etcd.member(0).isHealthy()).isTrue();
			try (Client client = client(etcd, trustingTheCa(etcd).build())) {
				put(client, "secured", "yes");
				assertThat(get(client, "secured")).isEqualTo("yes");
			}
		}

		@Test
		void harnessOperationsWorkOverTls() throws Exception {
			try (Client client = client(etcd, trustingTheCa(etcd).build())) {
				put(client, "one", "1");
				assertThat(etcd.compact()).isPositive();
				assertThat(etcd.deleteAllKeys()).isPositive();
				assertThat(etcd.leader()).isSameAs(etcd.member(0));
				etcd.restart();
				assertThat(etcd.member(0).isHealthy()).isTrue();
				await().atMost(RECOVERY).ignoreExceptions().untilAsserted(() -> put(client, "two", "2"));
			}
		}

		@Test
		void refusesClientsThatDoNotTrustItsAuthority(@TempDir Path directory) {
			EtcdCertificates unrelated = EtcdCertificates.generate(directory);
			SslContext otherCa = sslContext(
					GrpcSslContexts.forClient().trustManager(unrelated.caCertificate().toFile()));
			try (Client client = client(etcd, otherCa)) {
				assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> put(client, "k", "v"));
			}
		}

	}

	@Nested
	class MutualTls {

		@RegisterExtension
		static final EtcdExtension etcd = EtcdExtension.singleNode().withMutualTls();

		@Test
		void acceptsClientsWithACertificateSignedByItsAuthority() throws Exception {
			SslContextBuilder builder = trustingTheCa(etcd).keyManager(etcd.clientCertificate().toFile(),
					etcd.clientKey().toFile());
			try (Client client = client(etcd, sslContext(builder))) {
				put(client, "mutual", "yes");
				assertThat(get(client, "mutual")).isEqualTo("yes");
			}
			assertThat(etcd.deleteAllKeys()).isPositive();
		}

		@Test
		void refusesClientsWithoutACertificate() {
			try (Client client = client(etcd, sslContext(trustingTheCa(etcd)))) {
				assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> put(client, "k", "v"));
			}
			assertThat(etcd.member(0).isHealthy()).as("the harness presents its certificate").isTrue();
		}

	}

	private static SslContextBuilder trustingTheCa(EtcdExtension etcd) {
		return GrpcSslContexts.forClient().trustManager(etcd.caCertificate().toFile());
	}

	private static SslContext sslContext(SslContextBuilder builder) {
		try {
			return builder.build();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Client client(EtcdExtension etcd, SslContext sslContext) {
		return Client.builder()
			.endpoints(etcd.endpoints().toArray(String[]::new))
			.sslContext(sslContext)
			.waitForReady(false)
			.build();
	}

	private static void put(Client client, String key, String value) throws Exception {
		client.getKVClient().put(bytes(key), bytes(value)).get(5, TimeUnit.SECONDS);
	}

	private static String get(Client client, String key) throws Exception {
		List<KeyValue> kvs = client.getKVClient().get(bytes(key)).get(5, TimeUnit.SECONDS).getKvs();
		return kvs.isEmpty() ? null : kvs.get(0).getValue().toString(StandardCharsets.UTF_8);
	}

	private static ByteSequence bytes(String value) {
		return ByteSequence.from(value, StandardCharsets.UTF_8);
	}

}
