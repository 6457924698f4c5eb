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

/**
 * A {@code host:port} address, IPv6 hosts in brackets.
 *
 * @param host the host, without brackets
 * @param port the port
 * @author etcd-discovery authors
 */
public record HostAndPort(String host, int port) {

	/**
	 * Parse an address.
	 * @param address the address, {@code host:port}
	 * @return the host and port
	 * @throws InvalidInstanceValueException if it is not {@code host:port}
	 */
	public static HostAndPort parse(String address) {
		int colon = address.lastIndexOf(':');
		if (colon <= 0 || colon == address.length() - 1) {
			throw new InvalidInstanceValueException("'Addr' is not host:port");
		}
		String host = address.substring(0, colon);
		if (host.startsWith("[") && host.endsWith("]")) {
			host = host.substring(1, host.length() - 1);
		}
		else if (host.contains(":")) {
			throw new InvalidInstanceValueException("'Addr' is not host:port");
		}
		try {
			int port = Integer.parseInt(address.substring(colon + 1));
			if (port < 0 || port > 65535 || host.isBlank()) {
				throw new InvalidInstanceValueException("'Addr' is not host:port");
			}
			return new HostAndPort(host, port);
		}
		catch (NumberFormatException ex) {
			throw new InvalidInstanceValueException("'Addr' is not host:port");
		}
	}

}
