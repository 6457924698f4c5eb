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

package io.etcddiscovery.etcd;

import org.jspecify.annotations.Nullable;

/**
 * Status of a registered instance, published in the instance's value. Only {@link #UP}
 * instances receive traffic by default.
 *
 * @author etcd-discovery authors
 */
public enum InstanceStatus {

	/**
	 * Starting, not ready for traffic yet.
	 */
	STARTING,

	/**
	 * Ready for traffic.
	 */
	UP,

	/**
	 * Alive but unhealthy.
	 */
	DOWN,

	/**
	 * Taken out of rotation on purpose, by an operator or while shutting down.
	 */
	OUT_OF_SERVICE,

	/**
	 * Status not known.
	 */
	UNKNOWN;

	/**
	 * Read a status whatever its case: {@code "up"} is {@link #UP}. Values written by
	 * this library, by other writers (Go services spell it as they like) and statuses
	 * requested by operators are read with it.
	 * @param name the name of a status
	 * @return the status, or {@code null} if the name is none
	 */
	public static @Nullable InstanceStatus parse(@Nullable String name) {
		if (name == null) {
			return null;
		}
		for (InstanceStatus candidate : values()) {
			if (candidate.name().equalsIgnoreCase(name)) {
				return candidate;
			}
		}
		return null;
	}

}
