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

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * What every consumer of an instance needs of it: a host that a {@link URI}, an HTTP
 * client and gRPC all accept, a port it can connect to, and metadata that renders as text
 * and JSON. The same rules check this application's own registration at start-up and
 * every value read from etcd, so that what this library writes is always readable.
 * <p>
 * Each check returns why the value is unusable, or {@code null} when it is usable.
 *
 * @author etcd-discovery authors
 */
public final class InstanceValueRules {

	/**
	 * Largest value read as an instance. Instances are a few hundred bytes; a larger
	 * value is a mistake that should not cost every client memory.
	 */
	public static final int MAX_VALUE_SIZE = 64 * 1024;

	/**
	 * Longest host name, as DNS allows.
	 */
	public static final int MAX_HOST_LENGTH = 253;

	/**
	 * Longest metadata key.
	 */
	public static final int MAX_METADATA_KEY_LENGTH = 256;

	// RFC 1123 labels; the last label also not all digits, or URI reads no host.
	private static final Pattern HOST_NAME = Pattern
		.compile("(?i)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.?");

	private static final Pattern DIGITS_AND_DOTS = Pattern.compile("[0-9.]+");

	private static final Pattern IPV4 = Pattern
		.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

	private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9A-Fa-f:.]+");

	private InstanceValueRules() {
	}

	/**
	 * Check a host: a DNS host name, an IPv4 address in dotted decimal, or an IPv6
	 * address (without brackets and without a zone).
	 * @param host the host
	 * @return why the host is unusable, or {@code null}
	 */
	public static @Nullable String hostProblem(@Nullable String host) {
		if (host == null || host.isEmpty()) {
			return "the host is empty";
		}
		if (host.length() > MAX_HOST_LENGTH) {
			return "the host is longer than %d characters".formatted(MAX_HOST_LENGTH);
		}
		if (host.indexOf(':') >= 0) {
			return isIpv6Address(host) ? null : "the host is not a valid IPv6 address";
		}
		if (DIGITS_AND_DOTS.matcher(host).matches()) {
			// Leading zeros read as octal by some resolvers and as decimal by others.
			return IPV4.matcher(host).matches() ? null
					: "the host is not a valid IPv4 address (four numbers 0-255 without leading zeros)";
		}
		if (!HOST_NAME.matcher(host).matches() || isAllDigits(lastLabel(host))) {
			return "the host is not a valid host name (letters, digits, '-' and '.' only) nor an IP address";
		}
		return null;
	}

	/**
	 * Check a port clients connect to.
	 * @param port the port
	 * @return why the port is unusable, or {@code null}
	 */
	public static @Nullable String portProblem(long port) {
		return (port >= 1 && port <= 65535) ? null : "the port %d is not between 1 and 65535".formatted(port);
	}

	/**
	 * Check one metadata entry.
	 * @param key the key
	 * @param value the value
	 * @return why the entry is unusable, or {@code null}
	 */
	public static @Nullable String metadataProblem(String key, String value) {
		if (key.isEmpty()) {
			return "a metadata key is empty";
		}
		if (key.length() > MAX_METADATA_KEY_LENGTH) {
			return "a metadata key is longer than %d characters".formatted(MAX_METADATA_KEY_LENGTH);
		}
		if (!isPrintable(key)) {
			return "a metadata key contains a control character or an unpaired surrogate";
		}
		if (!isPrintable(value)) {
			return "the value of metadata key '%s' contains a control character or an unpaired surrogate"
				.formatted(key);
		}
		return null;
	}

	/**
	 * Check a name taken from a key: a service name or an instance id.
	 * @param name the name
	 * @return why the name is unusable, or {@code null}
	 */
	public static @Nullable String nameProblem(String name) {
		if (name.isBlank()) {
			return "the key has a blank service name or instance id";
		}
		if (name.indexOf('\uFFFD') >= 0) {
			return "the key is not valid UTF-8";
		}
		return isPrintable(name) ? null : "the key contains a control character";
	}

	/**
	 * Return the base URI of an instance, {@code http(s)://host:port}, IPv6 hosts in
	 * brackets.
	 * @param host a host for which {@link #hostProblem} found no problem
	 * @param port a port for which {@link #portProblem} found no problem
	 * @param secure whether the instance is reached over TLS
	 * @return the URI
	 * @throws IllegalArgumentException if the host or port is not usable
	 */
	public static URI uri(String host, int port, boolean secure) {
		try {
			URI uri = new URI(secure ? "https" : "http", null, host, port, null, null, null);
			// A registry-based authority (no host) fails in every HTTP client.
			if (uri.getHost() == null || uri.getPort() != port) {
				throw new IllegalArgumentException("'%s' is not a host a URI can hold".formatted(host));
			}
			return uri;
		}
		catch (URISyntaxException ex) {
			throw new IllegalArgumentException("'%s' is not a host a URI can hold".formatted(host), ex);
		}
	}

	private static boolean isIpv6Address(String host) {
		if (!IPV6_CHARACTERS.matcher(host).matches()) {
			return false;
		}
		try {
			// In brackets: parsed as a literal, never looked up in DNS.
			InetAddress.getByName("[" + host + "]");
			return true;
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

	private static String lastLabel(String host) {
		String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
		return name.substring(name.lastIndexOf('.') + 1);
	}

	private static boolean isAllDigits(String label) {
		return !label.isEmpty() && label.chars().allMatch((c) -> c >= '0' && c <= '9');
	}

	private static boolean isPrintable(String text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (Character.isISOControl(c)) {
				return false;
			}
			if (Character.isHighSurrogate(c)) {
				if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
					return false;
				}
				i++;
			}
			else if (Character.isLowSurrogate(c)) {
				return false;
			}
		}
		return true;
	}

}
