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

import java.util.Map;

import io.etcddiscovery.etcd.InstanceRecord;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.etcd.KeyLayout;

import org.springframework.util.Assert;

/**
 * What this application publishes about itself in etcd: where it is, who it is and how it
 * is doing.
 *
 * @param namespace the namespace, part of the key
 * @param service the service name, part of the key
 * @param instanceId the instance id, last part of the key
 * @param host the host name or IP address clients connect to
 * @param port the port clients connect to, or 0 when the application has none
 * @param secure whether clients connect over TLS
 * @param metadata user metadata
 * @param status the status
 * @author etcd-discovery authors
 */
public record ServiceRegistration(String namespace, String service, String instanceId, String host, int port,
		boolean secure, Map<String, String> metadata, InstanceStatus status) implements InstanceRecord {

	public ServiceRegistration {
		Assert.hasText(namespace, "'namespace' must not be empty");
		Assert.hasText(service, "'service' must not be empty");
		Assert.hasText(instanceId, "'instanceId' must not be empty");
		Assert.hasText(host, "'host' must not be empty");
		Assert.notNull(status, "'status' must not be null");
		metadata = Map.copyOf(metadata);
	}

	/**
	 * Return the address clients connect to, as {@code host:port} (IPv6 hosts in
	 * brackets), the {@code Addr} of etcd's naming format.
	 * @return the address
	 */
	@Override
	public String address() {
		return (this.host.contains(":") && !this.host.startsWith("[")) ? "[" + this.host + "]:" + this.port
				: this.host + ":" + this.port;
	}

	/**
	 * Return the key this instance is registered under with its status (see
	 * {@link KeyLayout#keyFor}).
	 * @param layout where keys live
	 * @return the key
	 */
	public String key(KeyLayout layout) {
		return layout.keyFor(this.namespace, this.service, this.instanceId, this.status);
	}

	/**
	 * Return this instance's other key: its parked key when the given key is its instance
	 * key, its instance key otherwise.
	 * @param layout where keys live
	 * @param key one of the instance's keys
	 * @return the other one
	 */
	public String otherKey(KeyLayout layout, String key) {
		String instanceKey = layout.instanceKey(this.namespace, this.service, this.instanceId);
		return key.equals(instanceKey) ? layout.parkedKey(this.namespace, this.service, this.instanceId) : instanceKey;
	}

	/**
	 * Return a copy with another status.
	 * @param status the new status
	 * @return the copy
	 */
	public ServiceRegistration withStatus(InstanceStatus status) {
		return new ServiceRegistration(this.namespace, this.service, this.instanceId, this.host, this.port, this.secure,
				this.metadata, status);
	}

	/**
	 * Return a copy with other metadata.
	 * @param metadata the new metadata
	 * @return the copy
	 */
	public ServiceRegistration withMetadata(Map<String, String> metadata) {
		return new ServiceRegistration(this.namespace, this.service, this.instanceId, this.host, this.port, this.secure,
				metadata, this.status);
	}

}
