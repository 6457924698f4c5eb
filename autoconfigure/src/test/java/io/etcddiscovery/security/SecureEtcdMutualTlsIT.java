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
import static org.awaitility.Awaitility.await;

/**
 * Registration against a real etcd that requires client certificates
 * ({@code --client-cert-auth}), with the client certificate in a Spring Boot SSL bundle.
 *
 * @author etcd-discovery authors
 */
@ExtendWith(OutputCaptureExtension.class)
class SecureEtcdMutualTlsIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode().withMutualTls();

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final String KEY = "/services/default/orders/orders-1";

	private static EtcdKeys keys;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@BeforeAll
	static void connect() throws Exception {
		keys = new EtcdKeys(Client.builder()
			.endpoints(etcd.endpoints().toArray(String[]::new))
			.sslContext(GrpcSslContexts.forClient()
				.trustManager(etcd.caCertificate().toFile())
				.keyManager(etcd.clientCertificate().toFile(), etcd.clientKey().toFile())
				.build()));
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
	void registersWithTheClientCertificateOfAnSslBundle() {
		ConfigurableApplicationContext context = start(application(etcd.clientCertificate(), etcd.clientKey()));
		await().atMost(TIMEOUT)
			.until(() -> SecuredApplication.registrar(context).getState().phase() == Phase.REGISTERED);
		assertThat(keys.key(KEY).getLease()).isEqualTo(SecuredApplication.registrar(context).getState().leaseId());
	}

	@Test
	void keepsRetryingAndNeverRegistersWithoutAClientCertificate(CapturedOutput output) {
		ConfigurableApplicationContext context = start(application(null, null));
		await().atMost(TIMEOUT)
			.until(() -> SecuredApplication.registrar(context).getState().consecutiveFailures() >= 3);
		assertThat(context.isActive()).isTrue();
		assertThat(SecuredApplication.registrar(context).getState().phase()).isEqualTo(Phase.RETRYING);
		assertThat(SecuredApplication.registrar(context).getState().lastError())
			.contains("TLS handshake with etcd failed");
		assertThat(output).contains("Could not register " + KEY + " in etcd (granting a lease failed: TLS handshake");
		assertThat(keys.keys("/services/")).isEmpty();
	}

	@Test
	void failFastReportsTheMissingClientCertificate(CapturedOutput output) {
		SpringApplicationBuilder application = application(null, null, "discovery.fail-fast=true");
		assertThatExceptionOfType(RegistrationException.class).isThrownBy(application::run)
			.withMessageContaining("TLS handshake with etcd failed");
		assertThat(output).contains("APPLICATION FAILED TO START").contains("TLS handshake with etcd failed");
		assertThat(keys.keys("/services/")).isEmpty();
	}

	@Test
	void refusesAClientCertificateFromAnotherCa(@TempDir Path directory) {
		EtcdCertificates other = EtcdCertificates.generate(directory);
		ConfigurableApplicationContext context = start(application(other.clientCertificate(), other.clientKey()));
		await().atMost(TIMEOUT)
			.until(() -> SecuredApplication.registrar(context).getState().consecutiveFailures() >= 2);
		assertThat(SecuredApplication.registrar(context).getState().lastError())
			.contains("TLS handshake with etcd failed");
		assertThat(keys.keys("/services/")).isEmpty();
	}

	@Test
	void authenticatesAsTheCommonNameOfTheClientCertificateWhenEtcdAuthIsOn() throws Exception {
		// With --client-cert-auth and authentication on, etcd takes the certificate's CN
		// as the user: no password to configure
		try (EtcdCluster secured = EtcdCluster.singleNode().withMutualTls().start();
				EtcdKeys securedKeys = new EtcdKeys(Client.builder()
					.endpoints(secured.clientEndpoints().toArray(String[]::new))
					.user(EtcdKeys.bytes("root"))
					.password(EtcdKeys.bytes("root-pw"))
					.sslContext(GrpcSslContexts.forClient()
						.trustManager(secured.caCertificate().toFile())
						.keyManager(secured.clientCertificate().toFile(), secured.clientKey().toFile())
						.build()))) {
			secured.addUser(EtcdCertificates.CLIENT_COMMON_NAME, "not-used-pw", "/services/");
			secured.enableAuth("root-pw");
			ConfigurableApplicationContext context = start(SecuredApplication.builder(secured.clientEndpoints(),
					"spring.ssl.bundle.pem.etcd.truststore.certificate=file:" + secured.caCertificate(),
					"spring.ssl.bundle.pem.etcd.keystore.certificate=file:" + secured.clientCertificate(),
					"spring.ssl.bundle.pem.etcd.keystore.private-key=file:" + secured.clientKey(),
					"discovery.etcd.ssl.bundle=etcd"));
			await().atMost(TIMEOUT)
				.until(() -> SecuredApplication.registrar(context).getState().phase() == Phase.REGISTERED);
			assertThat(securedKeys.key(KEY).getLease())
				.isEqualTo(SecuredApplication.registrar(context).getState().leaseId());
			context.close();
		}
	}

	private static SpringApplicationBuilder application(Path clientCertificate, Path clientKey, String... properties) {
		List<String> all = new ArrayList<>(
				List.of("spring.ssl.bundle.pem.etcd.truststore.certificate=file:" + etcd.caCertificate(),
						"discovery.etcd.ssl.bundle=etcd"));
		if (clientCertificate != null) {
			all.add("spring.ssl.bundle.pem.etcd.keystore.certificate=file:" + clientCertificate);
			all.add("spring.ssl.bundle.pem.etcd.keystore.private-key=file:" + clientKey);
		}
		all.addAll(List.of(properties));
		return SecuredApplication.builder(etcd.endpoints(), all.toArray(String[]::new));
	}

	private ConfigurableApplicationContext start(SpringApplicationBuilder builder) {
		ConfigurableApplicationContext context = builder.run();
		this.contexts.add(context);
		return context;
	}

}
