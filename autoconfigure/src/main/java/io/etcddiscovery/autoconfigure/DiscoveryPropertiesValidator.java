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

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import io.etcddiscovery.registration.Durations;
import org.jspecify.annotations.Nullable;

/**
 * Checks {@link DiscoveryProperties} so that a value that cannot work fails start-up with
 * a report naming the property, rather than a puzzling error later.
 *
 * @author etcd-discovery authors
 */
final class DiscoveryPropertiesValidator {

	/**
	 * Minimum lease TTL: etcd silently raises shorter TTLs to about 1.5 election
	 * timeouts.
	 */
	static final Duration MINIMUM_TTL = Duration.ofSeconds(2);

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

	private static final String NAME_RULE = "only letters, digits, '.', '_' and '-' are allowed";

	private DiscoveryPropertiesValidator() {
	}

	static void validate(DiscoveryProperties properties) {
		if (properties.getServiceName() != null) {
			validateServiceName("discovery.service-name", properties.getServiceName());
		}
		if (properties.getInstanceId() != null) {
			validateName("discovery.instance-id", properties.getInstanceId(),
					"Set 'discovery.instance-id' to a value such as 'orders-1', or remove it to use the generated id.");
		}
		validateName("discovery.namespace", properties.getNamespace(),
				"Set 'discovery.namespace' to a value such as 'default', 'dev' or 'prod'.");
		validateNamespaceAllowed(properties.getNamespace(), properties.getAllowedNamespaces());
		validateTtl(properties.getTtl());
		validatePatterns("discovery.host-detection.ignored-interfaces",
				properties.getHostDetection().getIgnoredInterfaces());
		validatePatterns("discovery.host-detection.preferred-networks",
				properties.getHostDetection().getPreferredNetworks());
		validateHeartbeat(properties.getHeartbeat(), properties.getTtl());
		validatePositive("discovery.client.initial-lookup-timeout", properties.getClient().getInitialLookupTimeout());
		Duration changeEventDelay = properties.getClient().getChangeEventDelay();
		if (changeEventDelay == null || changeEventDelay.isNegative()) {
			throw new InvalidDiscoveryPropertyException("discovery.client.change-event-delay", changeEventDelay,
					"must not be negative",
					"Set 'discovery.client.change-event-delay' to a duration such as '100ms', or '0s'.");
		}
		validatePositive("discovery.client.ejection.probe-interval",
				properties.getClient().getEjection().getProbeInterval());
		if (properties.getWeight() != null && properties.getWeight() < 1) {
			throw new InvalidDiscoveryPropertyException("discovery.weight", properties.getWeight(),
					"must be a positive integer (Spring Cloud LoadBalancer's weighted configuration repeats an instance by it)",
					"Set 'discovery.weight' to 1 or more, or remove it for the default weight of 1.");
		}
		validateRetry(properties.getRetry());
		Duration drainDelay = properties.getShutdown().getDrainDelay();
		if (drainDelay == null || drainDelay.isNegative()) {
			throw new InvalidDiscoveryPropertyException("discovery.shutdown.drain-delay", drainDelay,
					"must not be negative",
					"Set 'discovery.shutdown.drain-delay' to a duration such as '2s', or '0s'.");
		}
		DiscoveryProperties.Etcd etcd = properties.getEtcd();
		validateEndpoints(etcd.getEndpoints());
		validateKeyPrefix(etcd.getKeyPrefix());
		validatePositive("discovery.etcd.connect-timeout", etcd.getConnectTimeout());
		validateTimeoutsFitTheTtl(etcd, properties.getTtl());
		if (etcd.getPassword() != null && etcd.getUsername() == null) {
			throw new InvalidDiscoveryPropertyException("discovery.etcd.username", null,
					"a user name is required when 'discovery.etcd.password' is set",
					"Set 'discovery.etcd.username', or remove 'discovery.etcd.password' to connect without authentication.");
		}
		if (etcd.getSsl().getBundle() != null
				&& etcd.getEndpoints().stream().anyMatch((endpoint) -> endpoint.trim().startsWith("http:"))) {
			throw new InvalidDiscoveryPropertyException("discovery.etcd.endpoints", etcd.getEndpoints(),
					"'discovery.etcd.ssl.bundle' is set, so etcd is reached over TLS, but an endpoint uses http://",
					"Use https:// endpoints with an SSL bundle, or remove 'discovery.etcd.ssl.bundle' to connect without TLS.");
		}
		if (etcd.getUsername() != null && etcd.getPassword() == null) {
			throw new InvalidDiscoveryPropertyException("discovery.etcd.password", null,
					"a password is required when 'discovery.etcd.username' is set",
					"Set 'discovery.etcd.password', or remove 'discovery.etcd.username' to connect without authentication.");
		}
	}

	/**
	 * Check a service name, whether it came from {@code discovery.service-name} or from
	 * {@code spring.application.name}.
	 * @param property the property the name came from
	 * @param serviceName the name
	 */
	static void validateServiceName(String property, @Nullable String serviceName) {
		if (serviceName == null || serviceName.isBlank()) {
			throw new InvalidDiscoveryPropertyException("discovery.service-name", serviceName,
					"a service name is required to register this application",
					"Set 'discovery.service-name' or 'spring.application.name', or set 'discovery.register=false' "
							+ "for an application that only discovers others.");
		}
		validateName(property, serviceName, "Set '" + property + "' to a value such as 'orders' or 'order-service'.");
	}

	private static void validateName(String property, @Nullable String value, String action) {
		if (value == null || !NAME.matcher(value).matches()) {
			throw new InvalidDiscoveryPropertyException(property, value,
					(value == null || value.isBlank()) ? "must not be blank" : NAME_RULE, action);
		}
	}

	private static void validateNamespaceAllowed(String namespace, List<String> allowed) {
		if (!allowed.isEmpty() && !allowed.contains(namespace)) {
			throw new InvalidDiscoveryPropertyException("discovery.namespace", namespace,
					"this application may only use the namespaces " + allowed + " ('discovery.allowed-namespaces')",
					"Set 'discovery.namespace' (or DISCOVERY_NAMESPACE) to one of " + allowed
							+ ", or activate the profile whose configuration allows '" + namespace + "'.");
		}
	}

	private static void validateTtl(@Nullable Duration ttl) {
		if (ttl == null || ttl.compareTo(MINIMUM_TTL) < 0) {
			throw new InvalidDiscoveryPropertyException("discovery.ttl", ttl,
					"must be at least 2s, etcd's minimum lease TTL (shorter TTLs are silently raised by etcd)",
					"Set 'discovery.ttl' to 2s or more, for example 'discovery.ttl=10s'.");
		}
	}

	private static void validatePatterns(String property, List<String> patterns) {
		for (String pattern : patterns) {
			try {
				Pattern.compile(pattern);
			}
			catch (RuntimeException ex) {
				throw new InvalidDiscoveryPropertyException(property, pattern,
						"is not a valid regular expression (" + ex.getMessage().lines().findFirst().orElse("") + ")",
						"Fix the regular expression in '" + property + "'.");
			}
		}
	}

	private static void validateEndpoints(@Nullable List<String> endpoints) {
		if (endpoints == null || endpoints.isEmpty()) {
			throw new InvalidDiscoveryPropertyException("discovery.etcd.endpoints", null,
					"at least one etcd endpoint is required",
					"Set 'discovery.etcd.endpoints' to the client URLs of your etcd cluster, "
							+ "for example 'http://127.0.0.1:2379'.");
		}
		for (String endpoint : endpoints) {
			if (!isEndpointUrl(endpoint)) {
				throw new InvalidDiscoveryPropertyException("discovery.etcd.endpoints", endpoint,
						"must be a URL with scheme http or https, a host and a port",
						"Set each of 'discovery.etcd.endpoints' to a URL such as 'http://127.0.0.1:2379' "
								+ "or 'https://etcd-1.example.com:2379'.");
			}
		}
	}

	private static boolean isEndpointUrl(@Nullable String endpoint) {
		if (endpoint == null) {
			return false;
		}
		try {
			URI uri = new URI(endpoint.trim());
			return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
					&& uri.getPort() > 0
					&& (uri.getPath() == null || uri.getPath().isEmpty() || "/".equals(uri.getPath()))
					&& uri.getQuery() == null && uri.getUserInfo() == null;
		}
		catch (URISyntaxException ex) {
			return false;
		}
	}

	private static void validateKeyPrefix(@Nullable String keyPrefix) {
		if (keyPrefix == null || !keyPrefix.startsWith("/") || keyPrefix.endsWith("/") || keyPrefix.contains("//")
				|| keyPrefix.chars().anyMatch(Character::isWhitespace)) {
			throw new InvalidDiscoveryPropertyException("discovery.etcd.key-prefix", keyPrefix,
					"must start with '/', must not end with '/' and must not contain '//' or spaces",
					"Set 'discovery.etcd.key-prefix' to a value such as '/services'.");
		}
	}

	private static void validateTimeoutsFitTheTtl(DiscoveryProperties.Etcd etcd, Duration ttl) {
		Duration requestTimeout = etcd.getRequestTimeout();
		if (requestTimeout != null) {
			validatePositive("discovery.etcd.request-timeout", requestTimeout);
			if (requestTimeout.compareTo(ttl) > 0) {
				throw new InvalidDiscoveryPropertyException("discovery.etcd.request-timeout", requestTimeout,
						"must not be longer than 'discovery.ttl' (" + Durations.format(ttl)
								+ "): a request waiting that long outlives the lease it is made for",
						"Set 'discovery.etcd.request-timeout' to at most 'discovery.ttl', raise 'discovery.ttl', "
								+ "or remove 'discovery.etcd.request-timeout' to use half the TTL (2s to 5s).");
			}
		}
		Duration memberTimeout = etcd.getMemberTimeout();
		if (memberTimeout != null) {
			validatePositive("discovery.etcd.member-timeout", memberTimeout);
			Duration max = EtcdTimeouts.maxMemberTimeout(ttl);
			if (memberTimeout.compareTo(max) > 0) {
				throw new InvalidDiscoveryPropertyException("discovery.etcd.member-timeout", memberTimeout,
						"too long for 'discovery.ttl' (" + Durations.format(ttl)
								+ "): the lease would expire before this application renews it through another member "
								+ "(at most " + Durations.format(max) + ", two thirds of the TTL less 1s)",
						"Set 'discovery.etcd.member-timeout' to at most " + Durations.format(max)
								+ ", raise 'discovery.ttl', or remove 'discovery.etcd.member-timeout' to use a sixth of the TTL.");
			}
		}
	}

	private static void validateHeartbeat(DiscoveryProperties.Heartbeat heartbeat, Duration ttl) {
		Duration interval = heartbeat.getInterval();
		if (interval != null && (interval.isNegative() || interval.isZero() || interval.compareTo(ttl) >= 0)) {
			throw new InvalidDiscoveryPropertyException("discovery.heartbeat.interval", interval,
					"must be positive and shorter than 'discovery.ttl' (" + ttl + ")",
					"Set 'discovery.heartbeat.interval' below 'discovery.ttl', or remove it to use a third of the TTL.");
		}
		validatePositive("discovery.heartbeat.health-timeout", heartbeat.getHealthTimeout());
		if (heartbeat.getThreshold() < 1) {
			throw new InvalidDiscoveryPropertyException("discovery.heartbeat.threshold", heartbeat.getThreshold(),
					"must be at least 1", "Set 'discovery.heartbeat.threshold' to 1 or more.");
		}
	}

	private static void validateRetry(DiscoveryProperties.Retry retry) {
		validatePositive("discovery.retry.initial-interval", retry.getInitialInterval());
		validatePositive("discovery.retry.max-interval", retry.getMaxInterval());
		if (retry.getMaxInterval().compareTo(retry.getInitialInterval()) < 0) {
			throw new InvalidDiscoveryPropertyException("discovery.retry.max-interval", retry.getMaxInterval(),
					"must not be less than 'discovery.retry.initial-interval' (" + retry.getInitialInterval() + ")",
					"Set 'discovery.retry.max-interval' to at least 'discovery.retry.initial-interval'.");
		}
		if (retry.getMultiplier() < 1) {
			throw new InvalidDiscoveryPropertyException("discovery.retry.multiplier", retry.getMultiplier(),
					"must be at least 1", "Set 'discovery.retry.multiplier' to a value such as 2.");
		}
	}

	private static void validatePositive(String property, @Nullable Duration duration) {
		if (duration == null || duration.isNegative() || duration.isZero()) {
			throw new InvalidDiscoveryPropertyException(property, duration, "must be a positive duration",
					"Set '" + property + "' to a positive duration such as '5s'.");
		}
	}

}
