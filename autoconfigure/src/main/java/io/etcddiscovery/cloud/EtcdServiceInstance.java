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

package io.etcddiscovery.cloud;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import io.etcddiscovery.discovery.DiscoveredInstance;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.util.Assert;

/**
 * A Spring Cloud {@link ServiceInstance} backed by an instance discovered in etcd. Its
 * metadata is the instance's user metadata plus {@code status}, so that Spring Cloud
 * LoadBalancer's zone preference ({@code zone}) and weights ({@code weight}) read what
 * the instance published.
 *
 * @author etcd-discovery authors
 */
public final class EtcdServiceInstance implements ServiceInstance {

	/**
	 * Metadata key of the instance's status.
	 */
	public static final String STATUS_METADATA_KEY = "status";

	private final DiscoveredInstance instance;

	private final Map<String, String> metadata;

	/**
	 * Create a new instance.
	 * @param instance the instance discovered in etcd
	 */
	public EtcdServiceInstance(DiscoveredInstance instance) {
		Assert.notNull(instance, "'instance' must not be null");
		this.instance = instance;
		Map<String, String> metadata = new LinkedHashMap<>(instance.metadata());
		metadata.put(STATUS_METADATA_KEY, instance.status().name());
		this.metadata = java.util.Collections.unmodifiableMap(metadata);
	}

	@Override
	public String getInstanceId() {
		return this.instance.instanceId();
	}

	@Override
	public String getServiceId() {
		return this.instance.service();
	}

	@Override
	public String getHost() {
		return this.instance.host();
	}

	@Override
	public int getPort() {
		return this.instance.port();
	}

	@Override
	public boolean isSecure() {
		return this.instance.secure();
	}

	@Override
	public URI getUri() {
		// Built once, when the value was read from etcd: never fails here.
		return this.instance.uri();
	}

	@Override
	public Map<String, String> getMetadata() {
		return this.metadata;
	}

	@Override
	public String getScheme() {
		return this.instance.secure() ? "https" : "http";
	}

	/**
	 * Return the instance discovered in etcd.
	 * @return the instance
	 */
	public DiscoveredInstance getInstance() {
		return this.instance;
	}

	@Override
	public boolean equals(Object other) {
		return this == other || (other instanceof EtcdServiceInstance that && this.instance.equals(that.instance));
	}

	@Override
	public int hashCode() {
		return this.instance.hashCode();
	}

	@Override
	public String toString() {
		return "EtcdServiceInstance{serviceId=%s, instanceId=%s, uri=%s, status=%s}".formatted(getServiceId(),
				getInstanceId(), this.instance.uri(), this.instance.status());
	}

}
