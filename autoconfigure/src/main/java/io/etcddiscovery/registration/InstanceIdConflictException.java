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

/**
 * Thrown when the key of this instance is held by another process, most likely started
 * with the same {@code discovery.instance-id}.
 *
 * @author etcd-discovery authors
 */
public class InstanceIdConflictException extends RegistrationException {

	private final String key;

	private final long otherLeaseId;

	/**
	 * Create a new exception.
	 * @param key the key
	 * @param otherLeaseId the lease the key is bound to
	 */
	public InstanceIdConflictException(String key, long otherLeaseId) {
		super("Key %s is held by another process (lease %s): another instance is registered with the same instance id"
			.formatted(key, Long.toHexString(otherLeaseId)));
		this.key = key;
		this.otherLeaseId = otherLeaseId;
	}

	/**
	 * Return the key in conflict.
	 * @return the key
	 */
	public String getKey() {
		return this.key;
	}

	/**
	 * Return the lease the key is bound to.
	 * @return the other process's lease id
	 */
	public long getOtherLeaseId() {
		return this.otherLeaseId;
	}

}
