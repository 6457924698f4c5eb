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

import java.net.URI;
import java.time.Instant;
import java.util.Map;

import io.etcddiscovery.etcd.HostAndPort;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.etcd.InstanceValueRules;
import io.etcddiscovery.etcd.layout.Layout;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * An instance of a service as registered in etcd, immutable.
 *
 * @param service the service name, from the key
 * @param instanceId the instance id, from the key
 * @param host the host name or IP address to connect to
 * @param port the port to connect to
 * @param secure whether the instance is reached over TLS
 * @param status the published status; {@link InstanceStatus#UP} when the value has none,
 * as etcd's Go resolver treats every registered address as available
 * @param metadata user metadata
 * @param address the {@code Addr} of the value, {@code host:port}
 * @param key the etcd key
 * @param modRevision the etcd revision that last wrote the key
 * @param registeredAt when the instance registered, or {@code null} if the value does not
 * say
 * @param layout the layout the instance was read from: {@value Layout#OWN} for this
 * library's own, else the name of another registry's layout, such as {@code kitex}
 * @param grpc the address gRPC clients call when it differs from {@code host:port}, or
 * {@code null} (a Kratos instance with a {@code grpc://} and an {@code http://} endpoint)
 * @author etcd-discovery authors
 */
public record DiscoveredInstance(String service, String instanceId, String host, int port, boolean secure,
		InstanceStatus status, Map<String, String> metadata, String address, String key, long modRevision,
		@Nullable Instant registeredAt, String layout, @Nullable HostAndPort grpc) {

	public DiscoveredInstance {
		Assert.hasText(layout, "'layout' must not be empty");
		Assert.hasText(service, "'service' must not be empty");
		Assert.hasText(instanceId, "'instanceId' must not be empty");
		Assert.hasText(host, "'host' must not be empty");
		Assert.notNull(status, "'status' must not be null");
		Assert.hasText(address, "'address' must not be empty");
		Assert.hasText(key, "'key' must not be empty");
		metadata = Map.copyOf(metadata);
	}

	/**
	 * Create an instance read from this library's own layout.
	 * @param service the service name, from the key
	 * @param instanceId the instance id, from the key
	 * @param host the host name or IP address to connect to
	 * @param port the port to connect to
	 * @param secure whether the instance is reached over TLS
	 * @param status the published status
	 * @param metadata user metadata
	 * @param address the {@code Addr} of the value, {@code host:port}
	 * @param key the etcd key
	 * @param modRevision the etcd revision that last wrote the key
	 * @param registeredAt when the instance registered, or {@code null}
	 */
	public DiscoveredInstance(String service, String instanceId, String host, int port, boolean secure,
			InstanceStatus status, Map<String, String> metadata, String address, String key, long modRevision,
			@Nullable Instant registeredAt) {
		this(service, instanceId, host, port, secure, status, metadata, address, key, modRevision, registeredAt,
				Layout.OWN, null);
	}

	/**
	 * Return the base URI, {@code http(s)://host:port} with IPv6 hosts in brackets. Built
	 * on each call rather than kept: a URI costs about 300 bytes of heap, more than the
	 * rest of a cached instance's own fields, and HTTP clients and load balancers read
	 * the host, port and scheme instead. The readers of etcd checked that it can be
	 * built, so it never fails.
	 * @return the base URI
	 */
	public URI uri() {
		return InstanceValueRules.uri(this.host, this.port, this.secure);
	}

	/**
	 * Return the address gRPC clients call: {@link #grpc()} when the instance has one,
	 * else its host and port.
	 * @return the address
	 */
	public HostAndPort grpcAddress() {
		return (this.grpc != null) ? this.grpc : new HostAndPort(this.host, this.port);
	}

	/**
	 * Return whether the instance is ready for traffic.
	 * @return whether the status is {@link InstanceStatus#UP}
	 */
	public boolean isUp() {
		return this.status == InstanceStatus.UP;
	}

}
