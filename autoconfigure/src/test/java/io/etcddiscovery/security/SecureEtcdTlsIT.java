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

package io.etcddiscovery.security;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.etcd.jetcd.Client;
import io.etcddiscovery.registration.RegistrationException;
import io.etcddiscovery.registration.RegistrationState.Phase;
import io.etcddiscovery.test.EtcdCertificates;
import io.etcddiscovery.test.EtcdCluster;
import io.etcddiscovery.test.EtcdExtension;
import io.grpc.netty.GrpcSslContexts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Registration against a real etcd that serves TLS with certificates the test generated,
 * trusted through a Spring Boot SSL bundle.
 *
 * @author etcd-discovery authors
 */
@ExtendWith(OutputCaptureExtension.class)
class SecureEtcdTlsIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode().withTls();

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final String KEY = "/services/default/orders/orders-1";

	private static EtcdKeys keys;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@BeforeAll
	static void connect() throws Exception {
		keys = new EtcdKeys(Client.builder()
			.endpoints(etcd.endpoints().toArray(String[]::new))
			.sslContext(GrpcSslContexts.forClient().trustManager(etcd.caCertificate().toFile()).build()));
	}

	@AfterAll
	static void disconnect() {
		keys.close();
	}

	@BeforeEach
	void emptyEtcd() {
		etcd.deleteAllKeys();
	}

	@AfterEach
	void closeContexts() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void registersOverTlsTrustingTheCaOfAnSslBundle() {
		ConfigurableApplicationContext context = start(application(etcd.caCertificate()));
		await().atMost(TIMEOUT)
			.until(() -> SecuredApplication.registrar(context).getState().phase() == Phase.REGISTERED);
		assertThat(etcd.endpoint()).startsWith("https://");
		assertThat(keys.key(KEY).getLease()).isEqualTo(SecuredApplication.registrar(context).getState().leaseId());
	}

	@Test
	void reportsAFailedTlsHandshakeWhenTheBundleTrustsAnotherCa(@TempDir Path directory, CapturedOutput output) {
		Path otherCa = EtcdCertificates.generate(directory).caCertificate();
		ConfigurableApplicationContext context = start(application(otherCa));
		await().atMost(TIMEOUT)
			.until(() -> SecuredApplication.registrar(context).getState().consecutiveFailures() >= 2);
		assertThat(SecuredApplication.registrar(context).getState().phase()).isEqualTo(Phase.RETRYING);
		assertThat(SecuredApplication.registrar(context).getState().lastError())
			.contains("TLS handshake with etcd failed");
		assertThat(output).contains("Could not register /services/default/orders/orders-1 in etcd")
			.contains("TLS handshake with etcd failed")
			.contains("PKIX path building failed");
		assertThat(keys.keys("/services/")).isEmpty();
	}

	@Test
	void failFastReportsTheUntrustedServerCertificate(@TempDir Path directory, CapturedOutput output) {
		Path otherCa = EtcdCertificates.generate(directory).caCertificate();
		SpringApplicationBuilder application = application(otherCa, "discovery.fail-fast=true");
		assertThatExceptionOfType(RegistrationException.class).isThrownBy(application::run)
			.withMessageContaining("TLS handshake with etcd failed");
		assertThat(output).contains("APPLICATION FAILED TO START").contains("TLS handshake with etcd failed");
		assertThat(keys.keys("/services/")).isEmpty();
	}

	@Test
	void httpsEndpointsWithoutABundleTrustOnlyTheJvmsAuthorities(CapturedOutput output) {
		ConfigurableApplicationContext context = start(SecuredApplication.builder(etcd.endpoints()));
		await().atMost(TIMEOUT)
			.until(() -> SecuredApplication.registrar(context).getState().consecutiveFailures() >= 1);
		assertThat(SecuredApplication.registrar(context).getState().lastError())
			.contains("TLS handshake with etcd failed");
		assertThat(keys.keys("/services/")).isEmpty();
	}

	@Test
	void plainTextEndpointsOfAnEtcdThatServesTlsAreReported() {
		String plainText = etcd.endpoint().replace("https://", "http://");
		ConfigurableApplicationContext context = start(SecuredApplication.builder(List.of(plainText)));
		await().atMost(TIMEOUT)
			.until(() -> SecuredApplication.registrar(context).getState().consecutiveFailures() >= 1);
		assertThat(SecuredApplication.registrar(context).getState().lastError())
			.contains("if etcd serves TLS, use https:// endpoints");
	}

	@Test
	void anSslBundleForAnEtcdWithoutTlsIsReported() {
		try (EtcdCluster plain = EtcdCluster.singleNode().start()) {
			String https = plain.clientEndpoint().replace("http://", "https://");
			ConfigurableApplicationContext context = start(
					SecuredApplication.builder(List.of(https), "discovery.etcd.ssl.bundle=etcd",
							"spring.ssl.bundle.pem.etcd.truststore.certificate=file:" + etcd.caCertificate()));
			await().atMost(TIMEOUT)
				.until(() -> SecuredApplication.registrar(context).getState().consecutiveFailures() >= 1);
			assertThat(SecuredApplication.registrar(context).getState().lastError())
				.contains("TLS handshake with etcd failed: ")
				.contains("etcd does not seem to serve TLS there");
			context.close();
		}
	}

	@Test
	void anSslBundleWithHttpEndpointsFailsStartUp() {
		// A bundle means TLS: http:// endpoints with it are a mistake, reported at
		// start-up.
		SpringApplicationBuilder builder = SecuredApplication.builder(List.of("http://127.0.0.1:2379"),
				"discovery.etcd.ssl.bundle=etcd",
				"spring.ssl.bundle.pem.etcd.truststore.certificate=file:" + etcd.caCertificate());
		assertThatThrownBy(builder::run).rootCause()
			.isInstanceOf(org.springframework.boot.context.properties.bind.validation.BindValidationException.class)
			.hasMessageContaining("discovery.etcd.endpoints")
			.hasMessageContaining("http://");
	}

	private static SpringApplicationBuilder application(Path caCertificate, String... properties) {
		List<String> all = new ArrayList<>(
				List.of("spring.ssl.bundle.pem.etcd.truststore.certificate=file:" + caCertificate,
						"discovery.etcd.ssl.bundle=etcd"));
		all.addAll(List.of(properties));
		return SecuredApplication.builder(etcd.endpoints(), all.toArray(String[]::new));
	}

	private ConfigurableApplicationContext start(SpringApplicationBuilder builder) {
		ConfigurableApplicationContext context = builder.run();
		this.contexts.add(context);
		return context;
	}

}
