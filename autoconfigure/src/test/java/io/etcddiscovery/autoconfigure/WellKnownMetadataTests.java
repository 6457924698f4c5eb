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
package io.etcddiscovery.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WellKnownMetadata}: the keys Spring Boot Admin's
 * {@code DefaultServiceInstanceConverter} and Spring Cloud LoadBalancer read.
 *
 * @author etcd-discovery authors
 */
class WellKnownMetadataTests {

	private final RegistrationProperties properties = new RegistrationProperties();

	private final MockEnvironment environment = new MockEnvironment();

	@Test
	void defaultsAddNothing() {
		this.properties.getMetadata().put("team", "blue");
		assertThat(WellKnownMetadata.of(this.properties, this.environment, 8080))
			.containsExactly(entry("team", "blue"));
	}

	@Test
	void managementServerOfItsOwn() {
		this.environment.setProperty("management.server.port", "0");
		this.environment.setProperty("local.management.port", "9091");
		this.environment.setProperty("management.server.address", "10.0.0.5");
		this.environment.setProperty("management.server.base-path", "/admin/");
		assertThat(WellKnownMetadata.of(this.properties, this.environment, 8080))
			.containsEntry("management.port", "9091")
			.containsEntry("management.address", "10.0.0.5")
			.containsEntry("management.context-path", "/admin/actuator")
			.doesNotContainKey("management.scheme");
	}

	@Test
	void managementOverTlsOfAPlainService() {
		this.environment.setProperty("management.server.port", "9091");
		this.environment.setProperty("management.server.ssl.enabled", "true");
		assertThat(WellKnownMetadata.of(this.properties, this.environment, 8080))
			.containsEntry("management.port", "9091")
			.containsEntry("management.scheme", "https");
	}

	@Test
	void managementOnTheServersPortIsNotAPortOfItsOwn() {
		this.environment.setProperty("management.server.port", "8080");
		assertThat(WellKnownMetadata.of(this.properties, this.environment, 8080)).isEmpty();
	}

	@Test
	void endpointsUnderAContextPathOrAnotherBasePath() {
		this.environment.setProperty("server.servlet.context-path", "/shop");
		this.environment.setProperty("management.endpoints.web.base-path", "manage");
		this.environment.setProperty("management.endpoints.web.path-mapping.health", "/healthz");
		assertThat(WellKnownMetadata.of(this.properties, this.environment, 8080))
			.containsEntry("management.context-path", "/shop/manage")
			.containsEntry("health.path", "healthz");
	}

	@Test
	void endpointsAtTheRoot() {
		this.environment.setProperty("management.endpoints.web.base-path", "/");
		assertThat(WellKnownMetadata.of(this.properties, this.environment, 8080))
			.containsEntry("management.context-path", "/");
	}

	@Test
	void loadBalancerMetadataFromFirstClassProperties() {
		this.properties.setZone("eu-1");
		this.properties.setWeight(3);
		this.properties.setHint("canary");
		this.properties.setApiVersion("2.0");
		assertThat(WellKnownMetadata.of(this.properties, this.environment, 8080)).containsEntry("zone", "eu-1")
			.containsEntry("weight", "3")
			.containsEntry("hint", "canary")
			.containsEntry("API_VERSION", "2.0");
	}

	@Test
	void theUsersMetadataWins() {
		this.properties.setZone("eu-1");
		this.properties.getMetadata().put("zone", "us-1");
		this.environment.setProperty("management.server.port", "9091");
		this.properties.getMetadata().put("management.port", "9999");
		assertThat(WellKnownMetadata.of(this.properties, this.environment, 8080)).containsEntry("zone", "us-1")
			.containsEntry("management.port", "9999");
	}

	private static java.util.Map.Entry<String, String> entry(String key, String value) {
		return java.util.Map.entry(key, value);
	}

}
