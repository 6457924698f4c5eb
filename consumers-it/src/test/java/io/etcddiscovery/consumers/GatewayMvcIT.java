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
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.etcddiscovery.test.EtcdExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Spring Cloud Gateway Server Web MVC with an {@code lb://} route to a service registered
 * in etcd after the gateway started: routed once registered, and no 5xx while one of its
 * two instances stops gracefully.
 *
 * @author etcd-discovery authors
 */
class GatewayMvcIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	private static ConfigurableApplicationContext gateway;

	private static String base;

	@BeforeAll
	static void startGateway() {
		gateway = new SpringApplicationBuilder(GatewayMvcApplication.class).web(WebApplicationType.SERVLET)
			.properties(Apps.common(etcd, "gateway-mvc", "server.port=0",
					"spring.cloud.gateway.server.webmvc.routes[0].id=orders-api",
					"spring.cloud.gateway.server.webmvc.routes[0].uri=lb://orders",
					"spring.cloud.gateway.server.webmvc.routes[0].predicates[0]=Path=/api/orders/**",
					"spring.cloud.gateway.server.webmvc.routes[0].filters[0]=StripPrefix=2"))
			.run();
		base = "http://127.0.0.1:" + Apps.port(gateway);
	}

	@AfterAll
	static void stopGateway() {
		if (gateway != null) {
			gateway.close();
		}
	}

	@Test
	void routesAServiceStartedAfterItAndNoServerErrorWhileAnInstanceStops() throws Exception {
		// No instance yet: Gateway MVC's load balancer throws a 503 'Unable to find
		// instance for orders', which Gateway MVC itself answers as a 500.
		assertThat(Apps.get(base + "/api/orders/").statusCode()).isIn(500, 503);
		ConfigurableApplicationContext o1 = Apps.service(etcd, "orders", "o1");
		ConfigurableApplicationContext o2 = null;
		try {
			Instant registered = Apps.registeredAt(o1);
			await().atMost(Apps.TIMEOUT)
				.pollInterval(Duration.ofMillis(10))
				.until(() -> "o1".equals(Apps.get(base + "/api/orders/").body()));
			Apps.measured("Gateway Web MVC: lb:// route answered by a new service after its registration",
					Duration.between(registered, Instant.now()));
			o2 = Apps.service(etcd, "orders", "o2");
			Set<String> seen = ConcurrentHashMap.newKeySet();
			await().atMost(Apps.TIMEOUT).until(() -> {
				seen.add(Apps.get(base + "/api/orders/").body());
				return seen.containsAll(List.of("o1", "o2"));
			});
			List<String> failures = new CopyOnWriteArrayList<>();
			Apps.callWhileStopping(o1, () -> {
				HttpResponse<String> response = Apps.get(base + "/api/orders/");
				if (response.statusCode() >= 500) {
					failures.add(response.statusCode() + " " + response.body());
				}
			});
			assertThat(failures).isEmpty();
			assertThat(Apps.get(base + "/api/orders/").body()).isEqualTo("o2");
		}
		finally {
			o1.close();
			if (o2 != null) {
				o2.close();
			}
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(Apps.OwnReactorResources.class)
	static class GatewayMvcApplication {

	}

}
