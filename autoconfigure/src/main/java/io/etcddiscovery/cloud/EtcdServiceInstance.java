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
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import io.etcddiscovery.discovery.DiscoveredInstance;
import org.jspecify.annotations.Nullable;

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
		this.metadata = new StatusMetadata(instance.metadata(), instance.status().name());
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

	/**
	 * The instance's metadata with its status, a view rather than a copy: the cache
	 * shares equal metadata between instances, a copy per instance would cost each
	 * instance more heap than the rest of it. Immutable, as the metadata it reads.
	 */
	private static final class StatusMetadata extends AbstractMap<String, String> {

		private final Map<String, String> metadata;

		private final String status;

		StatusMetadata(Map<String, String> metadata, String status) {
			this.metadata = metadata;
			this.status = status;
		}

		@Override
		public @Nullable String get(@Nullable Object key) {
			return STATUS_METADATA_KEY.equals(key) ? this.status : this.metadata.get(key);
		}

		@Override
		public boolean containsKey(@Nullable Object key) {
			return STATUS_METADATA_KEY.equals(key) || this.metadata.containsKey(key);
		}

		@Override
		public int size() {
			return this.metadata.size() + (this.metadata.containsKey(STATUS_METADATA_KEY) ? 0 : 1);
		}

		@Override
		public Set<Map.Entry<String, String>> entrySet() {
			return new Entries();
		}

		private final class Entries extends AbstractSet<Map.Entry<String, String>> {

			@Override
			public Iterator<Map.Entry<String, String>> iterator() {
				return Stream
					.concat(StatusMetadata.this.metadata.entrySet()
						.stream()
						.filter((entry) -> !STATUS_METADATA_KEY.equals(entry.getKey())),
							Stream.of(Map.entry(STATUS_METADATA_KEY, StatusMetadata.this.status)))
					.iterator();
			}

			@Override
			public int size() {
				return StatusMetadata.this.size();
			}

		}

	}

}
