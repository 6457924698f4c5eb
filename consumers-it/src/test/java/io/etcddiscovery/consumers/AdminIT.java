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
package io.etcddiscovery.consumers;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

import de.codecentric.boot.admin.server.config.EnableAdminServer;
import io.etcddiscovery.test.EtcdExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Spring Boot Admin server in discovery mode, configured as docs/discovery.md tells a
 * user (the Spring Cloud starter and {@code @EnableAdminServer}, nothing else): services
 * started after it are listed and UP, also one whose actuator runs on a management port
 * of its own and one whose endpoints are under another base path, and a stopped one is
 * removed.
 *
 * @author etcd-discovery authors
 */
class AdminIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	private static final JsonMapper json = JsonMapper.builder().build();

	private static ConfigurableApplicationContext admin;

	private static String base;

	@BeforeAll
	static void startAdmin() {
		admin = new SpringApplicationBuilder(AdminApplication.class).web(WebApplicationType.SERVLET)
			.properties(Apps.common(etcd, "admin", "server.port=0", "discovery.register=false"))
			.run();
		base = "http://127.0.0.1:" + Apps.port(admin);
	}

	@AfterAll
	static void stopAdmin() {
		if (admin != null) {
			admin.close();
		}
	}

	@Test
	void listsServicesStartedAfterItAsUpAndRemovesAStoppedOne() throws Exception {
		assertThat(instances()).isEmpty();
		ConfigurableApplicationContext billing = Apps.service(etcd, "billing", "b1", "management.server.port=0",
				"management.server.address=127.0.0.1");
		ConfigurableApplicationContext shipping = null;
		try {
			Instant registered = Apps.registeredAt(billing);
			await().atMost(Apps.TIMEOUT)
				.pollInterval(Duration.ofMillis(10))
				.until(() -> instances().containsKey("billing"));
			Apps.measured("Spring Boot Admin: new service listed after its registration",
					Duration.between(registered, Instant.now()));
			shipping = Apps.service(etcd, "shipping", "s1", "management.endpoints.web.base-path=/manage",
					"management.endpoints.web.exposure.include=health,discovery");
			ConfigurableApplicationContext shippingContext = shipping;
			await().atMost(Apps.TIMEOUT).until(() -> "UP".equals(status("billing")) && "UP".equals(status("shipping")));
			int managementPort = billing.getEnvironment().getRequiredProperty("local.management.port", Integer.class);
			assertThat(managementPort).isNotEqualTo(Apps.port(billing));
			assertThat(instances().get("billing").at("/registration/healthUrl").asString())
				.isEqualTo("http://127.0.0.1:" + managementPort + "/actuator/health");
			assertThat(instances().get("shipping").at("/registration/healthUrl").asString())
				.isEqualTo("http://127.0.0.1:" + Apps.port(shippingContext) + "/manage/health");
			// Metadata changed at runtime reaches Spring Boot Admin's registration.
			HttpResponse<String> changed = Apps.postJson(
					"http://127.0.0.1:" + Apps.port(shippingContext) + "/manage/discovery",
					"{\"metadata\":\"{\\\"team\\\":\\\"blue\\\"}\"}");
			assertThat(changed.statusCode()).isEqualTo(200);
			await().atMost(Apps.TIMEOUT)
				.until(() -> "blue".equals(instances().get("shipping").at("/registration/metadata/team").asString()));
			AtomicReference<Instant> removed = new AtomicReference<>();
			Thread watcher = new Thread(() -> {
				await().atMost(Apps.TIMEOUT)
					.pollInterval(Duration.ofMillis(10))
					.until(() -> !instances().containsKey("billing"));
				removed.set(Instant.now());
			}, "test-admin-watcher");
			watcher.start();
			Instant stopping = Instant.now();
			billing.close();
			watcher.join(Apps.TIMEOUT.toMillis());
			assertThat(removed.get()).isNotNull();
			Apps.measured("Spring Boot Admin: stopping service removed after close() began",
					Duration.between(stopping, removed.get()));
			assertThat(instances()).containsOnlyKeys("shipping");
		}
		finally {
			billing.close();
			if (shipping != null) {
				shipping.close();
			}
		}
	}

	private static String status(String service) {
		JsonNode instance = instances().get(service);
		return (instance != null) ? instance.at("/statusInfo/status").asString() : null;
	}

	// Registered instances by service name.
	private static Map<String, JsonNode> instances() {
		Map<String, JsonNode> byName = new TreeMap<>();
		List<JsonNode> all = new ArrayList<>();
		json.readTree(Apps.getJson(base + "/instances")).forEach(all::add);
		for (JsonNode instance : all) {
			// Spring Boot Admin keeps deregistered instances for a while; its UI hides
			// them.
			if (instance.at("/registered").asBoolean()) {
				byName.put(instance.at("/registration/name").asString(), instance);
			}
		}
		return byName;
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(Apps.OwnReactorResources.class)
	@EnableAdminServer
	static class AdminApplication {

	}

}
