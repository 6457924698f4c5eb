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

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcddiscovery.registration.HealthCheckLoop;
import io.etcddiscovery.registration.InstanceRegistrar;
import io.etcddiscovery.registration.RegistrationException;
import io.etcddiscovery.registration.RegistrationState;
import io.etcddiscovery.registration.RegistrationState.Phase;
import io.etcddiscovery.test.EtcdExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Registration against a real etcd with authentication enabled: a user whose role may
 * only read and write its namespace's keys, users that may not, wrong passwords, and
 * tokens that expire after two idle seconds ({@code --auth-token-ttl=2}). The passwords
 * must never show up in the output or in an actuator endpoint.
 *
 * @author etcd-discovery authors
 */
@ExtendWith(OutputCaptureExtension.class)
class SecureEtcdAuthIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode().withArguments("--auth-token-ttl=2");

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final String KEY = "/services/default/orders/orders-1";

	private static final String ROOT_PASSWORD = "root-pw-4c1f9e";

	private static final String PASSWORD = "orders-pw-7d2a51";

	private static final String WRONG_PASSWORD = "wrong-pw-93be07";

	private static EtcdKeys keys;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@BeforeAll
	static void enableAuthentication() {
		etcd.enableAuth(ROOT_PASSWORD);
		etcd.addUser("orders", PASSWORD, "/services/default/");
		etcd.addUser("reporting", PASSWORD, "/reports/");
		keys = new EtcdKeys(Client.builder()
			.endpoints(etcd.endpoints().toArray(String[]::new))
			.user(EtcdKeys.bytes("root"))
			.password(EtcdKeys.bytes(ROOT_PASSWORD)));
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
	void passwordsNeverAppearInTheOutput(CapturedOutput output) {
		this.contexts.forEach(ConfigurableApplicationContext::close);
		assertThat(output).doesNotContain(PASSWORD).doesNotContain(WRONG_PASSWORD).doesNotContain(ROOT_PASSWORD);
	}

	@Test
	void registersAsAUserWhoseRoleGrantsOnlyItsNamespace() {
		ConfigurableApplicationContext context = start(application("orders", PASSWORD));
		await().atMost(TIMEOUT).until(() -> registrar(context).getState().phase() == Phase.REGISTERED);
		assertThat(keys.key(KEY).getLease()).isEqualTo(registrar(context).getState().leaseId());
	}

	@Test
	void reportsPermissionDeniedForAUserWithoutAccessToTheKeyPrefix(CapturedOutput output) {
		ConfigurableApplicationContext context = start(application("reporting", PASSWORD));
		await().atMost(TIMEOUT).until(() -> registrar(context).getState().consecutiveFailures() >= 2);
		RegistrationState state = registrar(context).getState();
		assertThat(state.phase()).isEqualTo(Phase.RETRYING);
		assertThat(state.lastError()).contains("PERMISSION_DENIED: etcdserver: permission denied");
		assertThat(output).contains("Could not register " + KEY + " in etcd (")
			.contains("PERMISSION_DENIED: etcdserver: permission denied");
		assertThat(keys.keys("/services/")).isEmpty();
	}

	@Test
	void reportsAFailedAuthenticationForAWrongPassword(CapturedOutput output) {
		ConfigurableApplicationContext context = start(application("orders", WRONG_PASSWORD));
		await().atMost(TIMEOUT).until(() -> registrar(context).getState().consecutiveFailures() >= 2);
		assertThat(registrar(context).getState().lastError()).contains("authentication failed");
		assertThat(output).contains("Could not register " + KEY + " in etcd (")
			.contains("etcdserver: authentication failed, invalid user ID or password");
		assertThat(keys.keys("/services/")).isEmpty();
	}

	@Test
	void failFastReportsAFailedAuthentication(CapturedOutput output) {
		SpringApplicationBuilder application = application("orders", WRONG_PASSWORD, "discovery.fail-fast=true");
		assertThatExceptionOfType(RegistrationException.class).isThrownBy(application::run)
			.withMessageContaining("authentication failed");
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("etcdserver: authentication failed, invalid user ID or password");
	}

	@Test
	void reportsThatEtcdRequiresAUserWhenNoneIsConfigured() {
		ConfigurableApplicationContext context = start(SecuredApplication.builder(etcd.endpoints()));
		await().atMost(TIMEOUT).until(() -> registrar(context).getState().consecutiveFailures() >= 2);
		assertThat(registrar(context).getState().lastError()).contains("user name is empty");
	}

	@Test
	void staysRegisteredAndHeartbeatsAcrossSeveralTokenLifetimes() {
		// Each heartbeat comes after the token of the previous one expired
		ConfigurableApplicationContext context = start(
				application("orders", PASSWORD, "discovery.ttl=10s", "discovery.heartbeat.interval=3s"));
		await().atMost(TIMEOUT).until(() -> registrar(context).getState().phase() == Phase.REGISTERED);
		long lease = registrar(context).getState().leaseId();
		HealthCheckLoop heartbeat = context.getBean(HealthCheckLoop.class);
		String idleToken = etcd.cluster().authenticate("orders", PASSWORD);
		Instant watchFrom = Instant.now();
		await().during(Duration.ofSeconds(9))
			.atMost(Duration.ofSeconds(15))
			.until(() -> isRegisteredWith(lease) && registrar(context).getState().phase() == Phase.REGISTERED
					&& heartbeat.getConsecutiveFailures() == 0);
		assertThat(etcd.cluster().isTokenValid(idleToken)).as("a token idle for longer than its TTL").isFalse();
		HealthCheckLoop.Beat lastBeat = heartbeat.getLastBeat();
		assertThat(lastBeat.success()).isTrue();
		assertThat(lastBeat.at()).isAfter(watchFrom.plusSeconds(5));
		// Writing again with an expired token: a new lease and a new key
		keys.revoke(lease);
		await().atMost(TIMEOUT).until(() -> {
			KeyValue kv = keys.key(KEY);
			return kv != null && kv.getLease() != lease && kv.getLease() == registrar(context).getState().leaseId();
		});
	}

	@Test
	void actuatorEndpointsMaskThePasswordByDefault() throws Exception {
		String base = startWebApplication(
				webApplication("logging.level.io.etcddiscovery=DEBUG", "logging.level.io.etcd.jetcd=DEBUG"));
		assertThat(get(base + "/env/discovery.etcd.password")).contains("\"value\":\"******\"");
		assertThat(get(base + "/configprops")).contains("\"password\":\"******\"");
		assertThat(get(base + "/discovery")).contains("orders-1");
		JsonNode health = JsonMapper.builder().build().readTree(get(base + "/health"));
		// On etcd 3.5.28 and later that user may not ask a member for its status: the
		// quorum read alone decides (EtcdHealthIndicatorIT has the details per version).
		assertThat(health.at("/components/etcd/status").asString())
			.as("a user restricted to its namespace may check etcd's health")
			.isEqualTo("UP");
		assertThat(health.at("/status").asString()).isEqualTo("UP");
		assertThat(health.at("/components/etcd/details/quorum").asString()).isEqualTo("confirmed");
		assertNoEndpointShowsThePassword(base);
	}

	@Test
	void showValuesAlwaysStillMasksTheEtcdPassword() throws Exception {
		// The starter masks its own password even where every other value is shown.
		String base = startWebApplication(webApplication("management.endpoint.env.show-values=ALWAYS",
				"management.endpoint.configprops.show-values=ALWAYS"));
		assertThat(get(base + "/env/discovery.etcd.username")).contains("\"value\":\"orders\"");
		assertThat(get(base + "/env/discovery.etcd.password")).contains("\"value\":\"******\"");
		assertThat(get(base + "/configprops")).contains("\"username\":\"orders\"").contains("\"password\":\"******\"");
		assertNoEndpointShowsThePassword(base);
	}

	@Test
	void showValuesAlwaysMasksThePasswordWithASanitizingFunction() throws Exception {
		// Since Spring Boot 3, show-values=ALWAYS shows every value unless a
		// SanitizingFunction masks it: the recipe docs/security.md gives
		String base = startWebApplication(webApplication("management.endpoint.env.show-values=ALWAYS",
				"management.endpoint.configprops.show-values=ALWAYS")
			.sources(CredentialSanitizing.class));
		assertThat(get(base + "/env/discovery.etcd.username")).contains("\"value\":\"orders\"");
		assertThat(get(base + "/env/discovery.etcd.password")).contains("\"value\":\"******\"");
		assertThat(get(base + "/configprops")).contains("\"username\":\"orders\"").contains("\"password\":\"******\"");
		assertNoEndpointShowsThePassword(base);
	}

	private SpringApplicationBuilder webApplication(String... properties) {
		List<String> all = new ArrayList<>(List.of("server.port=0", "server.address=127.0.0.1",
				"management.endpoints.web.exposure.include=env,configprops,discovery,health",
				"management.endpoint.health.show-details=ALWAYS"));
		all.addAll(List.of(properties));
		return application("orders", PASSWORD, all.toArray(String[]::new)).web(WebApplicationType.SERVLET);
	}

	private String startWebApplication(SpringApplicationBuilder builder) {
		ConfigurableApplicationContext context = start(builder);
		await().atMost(TIMEOUT).until(() -> registrar(context).getState().phase() == Phase.REGISTERED);
		return "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort() + "/actuator";
	}

	private static void assertNoEndpointShowsThePassword(String base) throws Exception {
		for (String path : List.of("/env", "/env/discovery.etcd.password", "/configprops", "/discovery", "/health")) {
			assertThat(get(base + path)).as(path).doesNotContain(PASSWORD);
		}
	}

	private static SpringApplicationBuilder application(String username, String password, String... properties) {
		List<String> all = new ArrayList<>(
				List.of("discovery.etcd.username=" + username, "discovery.etcd.password=" + password));
		all.addAll(List.of(properties));
		return SecuredApplication.builder(etcd.endpoints(), all.toArray(String[]::new));
	}

	private static boolean isRegisteredWith(long lease) {
		KeyValue kv = keys.key(KEY);
		return kv != null && kv.getLease() == lease;
	}

	private static String get(String url) throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(url).isEqualTo(200);
		return response.body();
	}

	private static InstanceRegistrar registrar(ConfigurableApplicationContext context) {
		return SecuredApplication.registrar(context);
	}

	private ConfigurableApplicationContext start(SpringApplicationBuilder builder) {
		ConfigurableApplicationContext context = builder.run();
		this.contexts.add(context);
		return context;
	}

	@Configuration(proxyBeanMethods = false)
	static class CredentialSanitizing {

		@Bean
		SanitizingFunction credentialSanitizingFunction() {
			return SanitizingFunction.sanitizeValue().ifLikelyCredential();
		}

	}

}
