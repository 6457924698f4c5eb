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
package io.etcddiscovery.etcd.layout;

import io.etcddiscovery.etcd.HostAndPort;
import io.etcddiscovery.etcd.InvalidInstanceValueException;
import org.jspecify.annotations.Nullable;

/**
 * What the layouts' codecs share about keys and addresses.
 *
 * @author etcd-discovery authors
 */
final class Keys {

	private Keys() {
	}

	/**
	 * Return the segments of a key after a prefix, or {@code null} when the key is not
	 * under the prefix or has not exactly that many non-empty segments.
	 * @param prefix the prefix
	 * @param key the key
	 * @param count how many segments
	 * @return the segments, or {@code null}
	 */
	static String @Nullable [] segments(String prefix, String key, int count) {
		if (!key.startsWith(prefix)) {
			return null;
		}
		String[] segments = key.substring(prefix.length()).split("/", -1);
		if (segments.length != count) {
			return null;
		}
		for (String segment : segments) {
			if (segment.isEmpty()) {
				return null;
			}
		}
		return segments;
	}

	/**
	 * Parse a bare {@code host:port}.
	 * @param field what holds it, for the reason of a skip
	 * @param address the address
	 * @return the host and port
	 * @throws InvalidInstanceValueException if it is not {@code host:port}
	 */
	static HostAndPort address(String field, String address) {
		try {
			return HostAndPort.parse(address.strip());
		}
		catch (InvalidInstanceValueException ex) {
			throw new InvalidInstanceValueException(field + " is not host:port");
		}
	}

	/**
	 * Return a prefix with a trailing '/'.
	 * @param prefix the prefix
	 * @return the prefix ending with '/'
	 */
	static String directory(String prefix) {
		return prefix.endsWith("/") ? prefix : prefix + "/";
	}

}
