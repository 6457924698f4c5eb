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

package io.etcddiscovery.registration;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Thrown when this instance could not be registered in etcd or kept there. When it fails
 * start-up, it names the etcd endpoints the registration was made against, so that the
 * report names those the client used, wherever they were configured.
 *
 * @author etcd-discovery authors
 */
public class RegistrationException extends RuntimeException {

	private final List<String> endpoints;

	/**
	 * Create a new exception.
	 * @param message what failed, in one line
	 */
	public RegistrationException(String message) {
		this(message, null, List.of());
	}

	/**
	 * Create a new exception.
	 * @param message what failed, in one line
	 * @param cause the cause
	 */
	public RegistrationException(String message, Throwable cause) {
		this(message, cause, List.of());
	}

	/**
	 * Create a new exception.
	 * @param message what failed, in one line
	 * @param cause the cause, or {@code null}
	 * @param endpoints the endpoints of the etcd cluster the registration was made
	 * against, empty when they are not known
	 */
	public RegistrationException(String message, @Nullable Throwable cause, List<String> endpoints) {
		super(message, cause);
		Assert.notNull(endpoints, "'endpoints' must not be null");
		this.endpoints = List.copyOf(endpoints);
	}

	/**
	 * Return the endpoints of the etcd cluster the registration was made against.
	 * @return the endpoints, empty when they are not known
	 */
	public List<String> getEndpoints() {
		return this.endpoints;
	}

}
