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

import org.jspecify.annotations.Nullable;

import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Checks {@link EtcdProperties} when they are bound. Spring Boot reports a violation with
 * the property, its value and where it was set. What depends on {@code discovery.ttl}
 * (the request and member timeouts) is checked where the timeouts are derived
 * ({@link EtcdTimeouts}).
 *
 * @author etcd-discovery authors
 */
final class EtcdPropertiesValidator implements Validator {

	@Override
	public boolean supports(Class<?> type) {
		return EtcdProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		EtcdProperties etcd = (EtcdProperties) target;
		List<String> endpoints = etcd.getEndpoints();
		if (endpoints == null || endpoints.isEmpty()) {
			errors.rejectValue("endpoints", "required",
					"at least one etcd endpoint is required: set 'discovery.etcd.endpoints' to the client URLs of "
							+ "your etcd cluster, for example 'http://127.0.0.1:2379'");
		}
		else {
			for (int i = 0; i < endpoints.size(); i++) {
				if (!isEndpointUrl(endpoints.get(i))) {
					errors.rejectValue("endpoints[" + i + "]", "invalid",
							"must be a URL with scheme http or https, a host and a port, such as "
									+ "'http://127.0.0.1:2379' or 'https://etcd-1.example.com:2379'");
				}
			}
			if (etcd.getSsl().getBundle() != null && endpoints.stream()
				.anyMatch((endpoint) -> endpoint != null && endpoint.trim().startsWith("http:"))) {
				errors.rejectValue("endpoints", "invalid",
						"'discovery.etcd.ssl.bundle' is set, so etcd is reached over TLS, but an endpoint uses http://: "
								+ "use https:// endpoints with an SSL bundle, or remove 'discovery.etcd.ssl.bundle' to "
								+ "connect without TLS");
			}
		}
		String keyPrefix = etcd.getKeyPrefix();
		if (keyPrefix == null || !keyPrefix.startsWith("/") || keyPrefix.endsWith("/") || keyPrefix.contains("//")
				|| keyPrefix.chars().anyMatch(Character::isWhitespace)) {
			errors.rejectValue("keyPrefix", "invalid",
					"must start with '/', must not end with '/' and must not contain '//' or spaces, "
							+ "for example '/services'");
		}
		positive(errors, "connectTimeout", etcd.getConnectTimeout());
		if (etcd.getRequestTimeout() != null) {
			positive(errors, "requestTimeout", etcd.getRequestTimeout());
		}
		if (etcd.getMemberTimeout() != null) {
			positive(errors, "memberTimeout", etcd.getMemberTimeout());
		}
		if (etcd.getPassword() != null && etcd.getUsername() == null) {
			// The password's value is never shown: the user name is reported.
			errors.rejectValue("username", "required",
					"a user name is required when 'discovery.etcd.password' is set: set 'discovery.etcd.username', "
							+ "or remove 'discovery.etcd.password' to connect without authentication");
		}
		if (etcd.getUsername() != null && etcd.getPassword() == null) {
			errors.rejectValue("password", "required",
					"a password is required when 'discovery.etcd.username' is set: set 'discovery.etcd.password', "
							+ "or remove 'discovery.etcd.username' to connect without authentication");
		}
	}

	static void positive(Errors errors, String field, @Nullable Duration duration) {
		if (duration == null || duration.isNegative() || duration.isZero()) {
			errors.rejectValue(field, "invalid", "must be a positive duration, such as '5s'");
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

}
