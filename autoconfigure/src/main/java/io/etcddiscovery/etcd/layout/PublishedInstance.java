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

import java.util.Map;

import io.etcddiscovery.etcd.HostAndPort;

/**
 * What other layouts publish of this instance.
 *
 * @param service the service name
 * @param instanceId the instance id
 * @param host the host
 * @param port the port
 * @param secure whether the instance is called over TLS
 * @param metadata the metadata
 * @author etcd-discovery authors
 */
public record PublishedInstance(String service, String instanceId, String host, int port, boolean secure,
		Map<String, String> metadata) {

	public PublishedInstance {
		metadata = Map.copyOf(metadata);
	}

	/**
	 * Return the address, {@code host:port}, IPv6 hosts in brackets.
	 * @return the address
	 */
	public String address() {
		return (this.host.contains(":") ? "[" + this.host + "]" : this.host) + ":" + this.port;
	}

	/**
	 * Return the host and port.
	 * @return the host and port
	 */
	public HostAndPort hostAndPort() {
		return new HostAndPort(this.host, this.port);
	}

}
