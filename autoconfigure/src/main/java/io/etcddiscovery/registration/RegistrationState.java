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

import java.time.Instant;

import io.etcddiscovery.etcd.InstanceStatus;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of this instance's registration, for endpoints and metrics.
 *
 * @param phase where the registration stands
 * @param key the instance's key, once known
 * @param leaseId the current lease, 0 when there is none
 * @param ttlSeconds the TTL etcd granted, 0 when there is no lease
 * @param status the status published in the value
 * @param registeredAt when the current key was written, or {@code null}
 * @param lastRenewal when etcd last confirmed the lease, or {@code null}
 * @param consecutiveFailures how many registration attempts failed in a row
 * @param lastError the last failure in one line, or {@code null}
 * @author etcd-discovery authors
 */
public record RegistrationState(Phase phase, @Nullable String key, long leaseId, long ttlSeconds, InstanceStatus status,
		@Nullable Instant registeredAt, @Nullable Instant lastRenewal, int consecutiveFailures,
		@Nullable String lastError) {

	static RegistrationState initial() {
		return new RegistrationState(Phase.NOT_REGISTERED, null, 0, 0, InstanceStatus.STARTING, null, null, 0, null);
	}

	/**
	 * Where a registration stands.
	 */
	public enum Phase {

		/**
		 * Not registered yet: the application is not ready.
		 */
		NOT_REGISTERED,

		/**
		 * Registered: the key exists and its lease is kept alive.
		 */
		REGISTERED,

		/**
		 * Not registered because etcd could not be reached or the key or lease was lost:
		 * retrying with backoff.
		 */
		RETRYING,

		/**
		 * Not registered because another process holds this instance's key: retrying
		 * until it is gone.
		 */
		CONFLICT,

		/**
		 * Deregistered on shutdown.
		 */
		DEREGISTERED

	}

}
