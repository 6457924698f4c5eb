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

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * The metadata this instance publishes for well-known consumers, added to the user's
 * {@code discovery.metadata} (which wins on a clash):
 * <ul>
 * <li>for Spring Boot Admin (its {@code DefaultServiceInstanceConverter}):
 * {@code management.port}, {@code management.address} and {@code management.scheme} when
 * actuator runs on its own server ({@code management.server.*}),
 * {@code management.context-path} when the actuator endpoints are not at
 * {@code /actuator} of the instance's URI, {@code health.path} when the health endpoint
 * is not mapped to {@code health};</li>
 * <li>for Spring Cloud LoadBalancer: {@code zone}, {@code weight}, {@code hint} and
 * {@code API_VERSION} from {@code discovery.zone}, {@code discovery.weight},
 * {@code discovery.hint} and {@code discovery.api-version}.</li>
 * </ul>
 * Nothing is added for what a consumer already assumes, so an application with the
 * defaults publishes only its own metadata.
 *
 * @author etcd-discovery authors
 */
final class WellKnownMetadata {

	private static final String DEFAULT_BASE_PATH = "/actuator";

	private static final boolean ACTUATOR_PRESENT = ClassUtils.isPresent(
			"org.springframework.boot.actuate.endpoint.annotation.Endpoint", WellKnownMetadata.class.getClassLoader());

	private WellKnownMetadata() {
	}

	/**
	 * Return the metadata to publish.
	 * @param properties the discovery properties
	 * @param environment the environment, read once the web servers run (for the actual
	 * management port)
	 * @param port the port this instance publishes
	 * @return the user's metadata plus the well-known entries
	 */
	static Map<String, String> of(RegistrationProperties properties, Environment environment, int port) {
		Map<String, String> metadata = new LinkedHashMap<>();
		putIfText(metadata, "zone", properties.getZone());
		if (properties.getWeight() != null) {
			metadata.put("weight", properties.getWeight().toString());
		}
		putIfText(metadata, "hint", properties.getHint());
		putIfText(metadata, "API_VERSION", properties.getApiVersion());
		management(metadata, properties, environment, port);
		metadata.putAll(properties.getMetadata());
		return metadata;
	}

	private static void management(Map<String, String> metadata, RegistrationProperties properties,
			Environment environment, int port) {
		if (!ACTUATOR_PRESENT) {
			return;
		}
		Integer managementPort = environment.getProperty("local.management.port", Integer.class,
				environment.getProperty("management.server.port", Integer.class, -2));
		boolean ownServer = managementPort > 0 && managementPort != port;
		String basePath = path(environment.getProperty("management.endpoints.web.base-path", DEFAULT_BASE_PATH));
		String contextPath;
		if (ownServer) {
			metadata.put("management.port", managementPort.toString());
			putIfText(metadata, "management.address", environment.getProperty("management.server.address"));
			Boolean ssl = environment.getProperty("management.server.ssl.enabled", Boolean.class);
			if (ssl != null && ssl != properties.isSecure()) {
				metadata.put("management.scheme", ssl ? "https" : "http");
			}
			contextPath = path(environment.getProperty("management.server.base-path", "")) + basePath;
		}
		else {
			contextPath = path(environment.getProperty("server.servlet.context-path",
					environment.getProperty("spring.webflux.base-path", ""))) + basePath;
		}
		if (!contextPath.equals(DEFAULT_BASE_PATH)) {
			metadata.put("management.context-path", contextPath.isEmpty() ? "/" : contextPath);
		}
		String healthPath = environment.getProperty("management.endpoints.web.path-mapping.health");
		if (StringUtils.hasText(healthPath) && !healthPath.equals("health")) {
			metadata.put("health.path", healthPath.startsWith("/") ? healthPath.substring(1) : healthPath);
		}
	}

	private static String path(String path) {
		String trimmed = path.trim();
		while (trimmed.endsWith("/")) {
			trimmed = trimmed.substring(0, trimmed.length() - 1);
		}
		return (trimmed.isEmpty() || trimmed.startsWith("/")) ? trimmed : "/" + trimmed;
	}

	private static void putIfText(Map<String, String> metadata, String key, @Nullable String value) {
		if (StringUtils.hasText(value)) {
			metadata.put(key, value);
		}
	}

}
