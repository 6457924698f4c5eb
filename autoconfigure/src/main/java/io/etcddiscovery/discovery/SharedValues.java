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

import java.lang.ref.WeakReference;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.WeakHashMap;

import org.jspecify.annotations.Nullable;

/**
 * One copy of the values that many instances repeat: the service name, which every
 * instance reads anew from its key, and the metadata, which the instances of a service
 * mostly share (same version, same management port, one of a few zones). A cache of
 * 100,000 instances otherwise holds 100,000 copies of each; shared, the metadata of an
 * instance costs a reference. Not thread-safe: used by one reader, on its cache's thread.
 * <p>
 * The values are held weakly, as {@link String#intern()} holds its strings: a value goes
 * when the last instance that uses it goes, so churn leaves nothing behind.
 *
 * @author etcd-discovery authors
 */
final class SharedValues {

	private final Map<Object, WeakReference<Object>> values = new WeakHashMap<>();

	/**
	 * Return the shared copy of a service name.
	 * @param service the service name
	 * @return an equal string, the same for every instance of the service
	 */
	String service(String service) {
		return share(service);
	}

	/**
	 * Return the shared copy of an instance's metadata, immutable.
	 * @param metadata the metadata
	 * @return an equal map, the same for every instance with equal metadata
	 */
	Map<String, String> metadata(Map<String, String> metadata) {
		if (metadata.isEmpty()) {
			return Map.of();
		}
		@SuppressWarnings("unchecked")
		@Nullable Map<String, String> shared = (Map<String, String>) get(metadata);
		if (shared != null) {
			return shared;
		}
		// New metadata: what it has in common with other instances' is shared still.
		Map<String, String> entries = new LinkedHashMap<>();
		metadata.forEach((key, value) -> entries.put(share(key), share(value)));
		Map<String, String> copy = Map.copyOf(entries);
		this.values.put(copy, new WeakReference<>(copy));
		return copy;
	}

	/**
	 * Return how many values are shared.
	 * @return the number of values
	 */
	int size() {
		return this.values.size();
	}

	private String share(String value) {
		@Nullable String shared = (String) get(value);
		if (shared != null) {
			return shared;
		}
		this.values.put(value, new WeakReference<>(value));
		return value;
	}

	private @Nullable Object get(Object value) {
		WeakReference<Object> reference = this.values.get(value);
		return (reference != null) ? reference.get() : null;
	}

}
