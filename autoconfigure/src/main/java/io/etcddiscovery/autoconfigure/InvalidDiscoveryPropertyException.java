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

import io.etcddiscovery.registration.Durations;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when a {@code discovery.*} property has a value that cannot work. Reported at
 * start-up by {@link DiscoveryPropertiesFailureAnalyzer}.
 *
 * @author etcd-discovery authors
 */
public class InvalidDiscoveryPropertyException extends RuntimeException {

	private final String property;

	private final @Nullable Object value;

	private final String reason;

	private final String action;

	/**
	 * Create a new exception.
	 * @param property the name of the property, for example {@code discovery.ttl}
	 * @param value the invalid value, or {@code null} when it is missing or must not be
	 * shown
	 * @param reason why the value cannot work
	 * @param action what to change
	 */
	public InvalidDiscoveryPropertyException(String property, @Nullable Object value, String reason, String action) {
		super("Invalid value %s for property '%s': %s".formatted(describe(value), property, reason));
		this.property = property;
		this.value = value;
		this.reason = reason;
		this.action = action;
	}

	private static String describe(@Nullable Object value) {
		if (value instanceof Duration duration) {
			return "'" + Durations.format(duration) + "'";
		}
		return (value != null) ? "'" + value + "'" : "(none)";
	}

	/**
	 * Return the name of the invalid property.
	 * @return the property name
	 */
	public String getProperty() {
		return this.property;
	}

	/**
	 * Return the invalid value.
	 * @return the value, or {@code null}
	 */
	public @Nullable Object getValue() {
		return this.value;
	}

	/**
	 * Return why the value cannot work.
	 * @return the reason
	 */
	public String getReason() {
		return this.reason;
	}

	/**
	 * Return what the user should change.
	 * @return the action
	 */
	public String getAction() {
		return this.action;
	}

}
