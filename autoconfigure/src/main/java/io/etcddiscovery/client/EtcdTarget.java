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
package io.etcddiscovery.client;

import java.net.URI;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The gRPC target jetcd connects to, built from {@code discovery.etcd.endpoints}.
 * <p>
 * It is the target {@code ClientBuilder.endpoints(...)} builds,
 * {@code ip:///host:port,…}, with one difference: IPv6 hosts keep their brackets
 * percent-encoded. gRPC refuses a bracket in a target's path, so jetcd cannot connect to
 * an endpoint such as {@code http://[::1]:2379} otherwise; its resolver decodes the path
 * and reads {@code [::1]:2379} as it should.
 *
 * @author etcd-discovery authors
 */
public final class EtcdTarget {

	private EtcdTarget() {
	}

	/**
	 * Return the target for the given endpoints.
	 * @param endpoints the endpoints, validated URLs such as
	 * {@code http://127.0.0.1:2379}
	 * @return the target
	 */
	public static String of(List<String> endpoints) {
		return hostsAndPorts(endpoints).map((address) -> address.replace("[", "%5B").replace("]", "%5D"))
			.collect(Collectors.joining(",", "ip:///", ""));
	}

	/**
	 * Return how many distinct addresses the given endpoints name.
	 * @param endpoints the endpoints
	 * @return the number of {@code host:port} pairs
	 */
	public static long addresses(List<String> endpoints) {
		return hostsAndPorts(endpoints).count();
	}

	private static Stream<String> hostsAndPorts(List<String> endpoints) {
		return endpoints.stream()
			.map(String::trim)
			.map(URI::create)
			.map((uri) -> uri.getHost() + ":" + uri.getPort())
			.distinct();
	}

}
