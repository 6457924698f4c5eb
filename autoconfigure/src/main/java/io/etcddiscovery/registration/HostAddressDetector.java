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

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Finds the address other machines use to reach this one: the first address of an
 * interface that is up, not loopback, not virtual and not ignored, IPv4 before IPv6,
 * preferring the configured networks.
 *
 * @author etcd-discovery authors
 */
public class HostAddressDetector {

	private static final Log logger = LogFactory.getLog(HostAddressDetector.class);

	private final List<Pattern> ignoredInterfaces;

	private final List<String> preferredNetworks;

	private final boolean useHostName;

	/**
	 * Create a new detector.
	 * @param ignoredInterfaces regular expressions of interface names to skip
	 * @param preferredNetworks regular expressions or prefixes of addresses to prefer
	 * @param useHostName whether to return the host name instead of the address
	 */
	public HostAddressDetector(List<String> ignoredInterfaces, List<String> preferredNetworks, boolean useHostName) {
		this.ignoredInterfaces = ignoredInterfaces.stream().map(Pattern::compile).toList();
		this.preferredNetworks = List.copyOf(preferredNetworks);
		this.useHostName = useHostName;
	}

	/**
	 * Detect the host to publish.
	 * @return an IP address (or host name), never {@code null}
	 */
	public String detect() {
		List<InetAddress> candidates = candidates();
		InetAddress chosen = candidates.stream()
			.filter(this::isPreferred)
			.findFirst()
			.orElse(candidates.isEmpty() ? null : candidates.get(0));
		if (chosen == null) {
			chosen = InetAddress.getLoopbackAddress();
			logger.warn("No non-loopback network interface found: publishing " + chosen.getHostAddress()
					+ ", which only this machine can reach. Set 'discovery.host'.");
		}
		return this.useHostName ? chosen.getCanonicalHostName() : chosen.getHostAddress().replaceAll("%.*$", "");
	}

	private List<InetAddress> candidates() {
		List<InetAddress> ipv4 = new ArrayList<>();
		List<InetAddress> ipv6 = new ArrayList<>();
		try {
			List<NetworkInterface> interfaces = Collections.list(NetworkInterface.getNetworkInterfaces());
			interfaces.sort((a, b) -> Integer.compare(a.getIndex(), b.getIndex()));
			for (NetworkInterface candidate : interfaces) {
				if (!candidate.isUp() || candidate.isLoopback() || candidate.isVirtual() || isIgnored(candidate)) {
					continue;
				}
				for (InetAddress address : Collections.list(candidate.getInetAddresses())) {
					if (address.isLoopbackAddress() || address.isLinkLocalAddress()) {
						continue;
					}
					((address instanceof Inet4Address) ? ipv4 : ipv6).add(address);
				}
			}
		}
		catch (SocketException ex) {
			logger.warn("Could not list network interfaces: " + ex.getMessage());
		}
		ipv4.addAll(ipv6);
		return ipv4;
	}

	private boolean isIgnored(NetworkInterface candidate) {
		return this.ignoredInterfaces.stream().anyMatch((pattern) -> pattern.matcher(candidate.getName()).matches());
	}

	private boolean isPreferred(InetAddress address) {
		String host = address.getHostAddress();
		return this.preferredNetworks.stream()
			.anyMatch((network) -> host.startsWith(network) || safeMatches(network, host));
	}

	private static boolean safeMatches(String regex, String host) {
		try {
			return host.matches(regex);
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

}
