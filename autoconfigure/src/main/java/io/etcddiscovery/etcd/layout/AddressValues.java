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

import java.nio.charset.StandardCharsets;

import io.etcddiscovery.etcd.DecodedInstance;
import io.etcddiscovery.etcd.InvalidInstanceValueException;
import io.etcddiscovery.etcd.NamingFormat;

/**
 * Values that are an address only, as go-zero, go-kit and hand-written clientv3 code
 * write them: {@code host:port}, or {@code http(s)://host[:port]}.
 *
 * @author etcd-discovery authors
 */
final class AddressValues {

	private static final NamingFormat ADDRESSES = new NamingFormat();

	private AddressValues() {
	}

	/**
	 * Return whether a value is a JSON document: another registry's value, never an
	 * address.
	 * @param value the value
	 * @return whether it starts with '{' or '['
	 */
	static boolean isJson(byte[] value) {
		String text = new String(value, StandardCharsets.UTF_8).strip();
		return text.startsWith("{") || text.startsWith("[");
	}

	/**
	 * Read an address value.
	 * @param value the value
	 * @param urls whether {@code http(s)://} URLs are read too
	 * @return the address, and whether it is secure
	 * @throws InvalidInstanceValueException if it is not an address
	 */
	static DecodedInstance read(byte[] value, boolean urls) {
		String text = new String(value, StandardCharsets.UTF_8).strip();
		if (text.isEmpty() || isJson(value) || (!urls && text.contains("://"))) {
			throw new InvalidInstanceValueException(urls ? "not host:port nor http(s)://host:port" : "not host:port");
		}
		try {
			DecodedInstance decoded = ADDRESSES.decode(text);
			decoded.host();
			decoded.port();
			return decoded;
		}
		catch (InvalidInstanceValueException ex) {
			throw new InvalidInstanceValueException(urls ? "not host:port nor http(s)://host:port" : "not host:port");
		}
	}

}
