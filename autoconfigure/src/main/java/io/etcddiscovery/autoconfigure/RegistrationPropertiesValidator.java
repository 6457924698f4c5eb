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

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.etcddiscovery.etcd.Durations;
import io.etcddiscovery.etcd.InstanceValueRules;
import org.jspecify.annotations.Nullable;

import org.springframework.util.StringUtils;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Checks {@link RegistrationProperties} when they are bound, so that a value that cannot
 * work fails start-up with Spring Boot's report: the property, its value, where it was
 * set, and why. What this instance publishes ({@code discovery.host}, {@code port},
 * {@code metadata} and the well-known metadata) must be usable by every reader (the rules
 * of {@link InstanceValueRules}), so that this application never writes a value others
 * skip. Registration's own properties are checked only when this application registers
 * ({@code discovery.register}).
 *
 * @author etcd-discovery authors
 */
final class RegistrationPropertiesValidator implements Validator {

	/**
	 * Minimum lease TTL: etcd silently raises shorter TTLs to about 1.5 election
	 * timeouts.
	 */
	static final Duration MINIMUM_TTL = Duration.ofSeconds(2);

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

	private static final String NAME_RULE = "only letters, digits, '.', '_' and '-' are allowed";

	@Override
	public boolean supports(Class<?> type) {
		return RegistrationProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		RegistrationProperties properties = (RegistrationProperties) target;
		name(errors, "namespace", properties.getNamespace(), "such as 'default', 'dev' or 'prod'");
		Duration ttl = properties.getTtl();
		if (ttl == null || ttl.compareTo(MINIMUM_TTL) < 0) {
			errors.rejectValue("ttl", "invalid",
					"must be at least 2s, etcd's minimum lease TTL (shorter TTLs are silently raised by etcd): set "
							+ "'discovery.ttl' to 2s or more, for example 'discovery.ttl=10s'");
		}
		RetryProperties retry = properties.getRetry();
		positive(errors, "retry.initialInterval", retry.getInitialInterval());
		positive(errors, "retry.maxInterval", retry.getMaxInterval());
		if (retry.getMaxInterval() != null && retry.getInitialInterval() != null
				&& retry.getMaxInterval().compareTo(retry.getInitialInterval()) < 0) {
			errors.rejectValue("retry.maxInterval", "invalid",
					"must not be less than 'discovery.retry.initial-interval' ("
							+ Durations.format(retry.getInitialInterval()) + ")");
		}
		if (retry.getMultiplier() < 1) {
			errors.rejectValue("retry.multiplier", "invalid", "must be at least 1, such as 2");
		}
		if (properties.isRegister()) {
			validateRegistration(properties, errors);
		}
	}

	private void validateRegistration(RegistrationProperties properties, Errors errors) {
		if (properties.getServiceName() != null) {
			serviceName(errors, "serviceName", properties.getServiceName());
		}
		if (properties.getInstanceId() != null) {
			name(errors, "instanceId", properties.getInstanceId(),
					"such as 'orders-1', or remove it to use the generated id");
		}
		List<String> allowed = properties.getAllowedNamespaces();
		if (!allowed.isEmpty() && !allowed.contains(properties.getNamespace())) {
			errors.rejectValue("namespace", "notAllowed", "this application may only use the namespaces " + allowed
					+ " ('discovery.allowed-namespaces'): set 'discovery.namespace' (or DISCOVERY_NAMESPACE) to one of "
					+ allowed + ", or activate the profile whose configuration allows '" + properties.getNamespace()
					+ "'");
		}
		patterns(errors, "hostDetection.ignoredInterfaces", properties.getHostDetection().getIgnoredInterfaces());
		patterns(errors, "hostDetection.preferredNetworks", properties.getHostDetection().getPreferredNetworks());
		HeartbeatProperties heartbeat = properties.getHeartbeat();
		Duration interval = heartbeat.getInterval();
		Duration ttl = properties.getTtl();
		if (interval != null
				&& (interval.isNegative() || interval.isZero() || (ttl != null && interval.compareTo(ttl) >= 0))) {
			errors.rejectValue("heartbeat.interval", "invalid",
					"must be positive and shorter than 'discovery.ttl' (" + ((ttl != null) ? Durations.format(ttl) : "")
							+ "): set it below the TTL, or remove it to use a third of the TTL");
		}
		positive(errors, "heartbeat.healthTimeout", heartbeat.getHealthTimeout());
		if (heartbeat.getThreshold() < 1) {
			errors.rejectValue("heartbeat.threshold", "invalid", "must be at least 1");
		}
		if (properties.getWeight() != null && properties.getWeight() < 1) {
			errors.rejectValue("weight", "invalid",
					"must be a positive integer (Spring Cloud LoadBalancer's weighted configuration repeats an "
							+ "instance by it): set it to 1 or more, or remove it for the default weight of 1");
		}
		notNegative(errors, "shutdown.drainDelay", properties.getShutdown().getDrainDelay(), "'2s', or '0s'");
		String host = properties.getHost();
		if (StringUtils.hasText(host)) {
			reject(errors, "host", InstanceValueRules.hostProblem(host),
					host.contains(",") ? " (was it given twice, so that Spring joined the values?)" : "");
		}
		Integer port = properties.getPort();
		if (port != null) {
			reject(errors, "port", InstanceValueRules.portProblem(port), "");
		}
		metadataValue(errors, "zone", "zone", properties.getZone());
		metadataValue(errors, "hint", "hint", properties.getHint());
		metadataValue(errors, "apiVersion", "API_VERSION", properties.getApiVersion());
		for (Map.Entry<String, String> entry : properties.getMetadata().entrySet()) {
			String value = (entry.getValue() != null) ? entry.getValue() : "";
			String problem = InstanceValueRules.metadataProblem(entry.getKey(), value);
			if (problem != null) {
				errors.rejectValue("metadata[" + entry.getKey() + "]", "invalid", problem);
			}
		}
	}

	/**
	 * Return why a service name cannot be registered, whether it came from
	 * {@code discovery.service-name} or from {@code spring.application.name}.
	 * @param serviceName the name
	 * @return the problem, or {@code null} if the name is usable
	 */
	static @Nullable String serviceNameProblem(@Nullable String serviceName) {
		if (serviceName == null || serviceName.isBlank()) {
			return "must not be blank";
		}
		return NAME.matcher(serviceName).matches() ? null : NAME_RULE;
	}

	private static void serviceName(Errors errors, String field, String serviceName) {
		String problem = serviceNameProblem(serviceName);
		if (problem != null) {
			errors.rejectValue(field, "invalid", problem + ": set it to a value such as 'orders' or 'order-service'");
		}
	}

	private static void name(Errors errors, String field, @Nullable String value, String example) {
		if (value == null || !NAME.matcher(value).matches()) {
			errors.rejectValue(field, "invalid", ((value == null || value.isBlank()) ? "must not be blank" : NAME_RULE)
					+ ": set it to a value " + example);
		}
	}

	private static void patterns(Errors errors, String field, List<String> patterns) {
		for (int i = 0; i < patterns.size(); i++) {
			try {
				Pattern.compile(patterns.get(i));
			}
			catch (RuntimeException ex) {
				String message = (ex.getMessage() != null) ? ex.getMessage().lines().findFirst().orElse("") : "";
				errors.rejectValue(field + "[" + i + "]", "invalid",
						"is not a valid regular expression (" + message + ")");
			}
		}
	}

	private static void positive(Errors errors, String field, @Nullable Duration duration) {
		EtcdPropertiesValidator.positive(errors, field, duration);
	}

	private static void notNegative(Errors errors, String field, @Nullable Duration duration, String example) {
		if (duration == null || duration.isNegative()) {
			errors.rejectValue(field, "invalid", "must not be negative: set it to a duration such as " + example);
		}
	}

	private static void metadataValue(Errors errors, String field, String key, @Nullable String value) {
		if (value != null) {
			reject(errors, field, InstanceValueRules.metadataProblem(key, value), "");
		}
	}

	private static void reject(Errors errors, String field, @Nullable String problem, String hint) {
		if (problem != null) {
			errors.rejectValue(field, "invalid", problem + hint);
		}
	}

}
