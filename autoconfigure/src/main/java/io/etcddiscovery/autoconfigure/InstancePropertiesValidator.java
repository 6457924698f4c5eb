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

import java.util.Map;

import io.etcddiscovery.registration.InstanceValueRules;
import org.jspecify.annotations.Nullable;

import org.springframework.util.StringUtils;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Checks, when {@link DiscoveryProperties} are bound, what this instance will publish:
 * {@code discovery.host}, {@code discovery.port}, {@code discovery.metadata} and the
 * well-known metadata ({@code discovery.zone}, {@code discovery.hint},
 * {@code discovery.api-version}) must be usable by every reader (the rules of
 * {@link InstanceValueRules}), so that this application never writes a value that others
 * skip. Spring Boot reports a violation with the property, its value and where it was
 * set.
 *
 * @author etcd-discovery authors
 */
final class InstancePropertiesValidator implements Validator {

	@Override
	public boolean supports(Class<?> type) {
		return DiscoveryProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		DiscoveryProperties properties = (DiscoveryProperties) target;
		String host = properties.getHost();
		if (StringUtils.hasText(host)) {
			reject(errors, "host", InstanceValueRules.hostProblem(host),
					host.contains(",") ? " (was it given twice, so that Spring joined the values?)" : "");
		}
		Integer port = properties.getPort();
		if (port != null) {
			reject(errors, "port", InstanceValueRules.portProblem(port), "");
		}
		checkMetadataValue(errors, "zone", "zone", properties.getZone());
		checkMetadataValue(errors, "hint", "hint", properties.getHint());
		checkMetadataValue(errors, "apiVersion", "API_VERSION", properties.getApiVersion());
		for (Map.Entry<String, String> entry : properties.getMetadata().entrySet()) {
			String value = (entry.getValue() != null) ? entry.getValue() : "";
			String problem = InstanceValueRules.metadataProblem(entry.getKey(), value);
			if (problem != null) {
				errors.rejectValue("metadata[" + entry.getKey() + "]", "invalid", problem);
			}
		}
	}

	private static void checkMetadataValue(Errors errors, String field, String key, @Nullable String value) {
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
