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
package io.etcddiscovery.discovery;

import org.jspecify.annotations.Nullable;

/**
 * Reads one key and value of a listed or watched prefix into an instance.
 *
 * @author etcd-discovery authors
 */
interface InstanceReader {

	/**
	 * Read an instance.
	 * @param key the key
	 * @param value the value
	 * @param modRevision the revision that wrote the value
	 * @return the instance, or {@code null} when the key belongs to another tree under
	 * the same prefix, which is ignored without noise
	 * @throws io.etcddiscovery.etcd.InvalidInstanceValueException if the key or value is
	 * not an instance
	 */
	@Nullable DiscoveredInstance read(String key, byte[] value, long modRevision);

}
