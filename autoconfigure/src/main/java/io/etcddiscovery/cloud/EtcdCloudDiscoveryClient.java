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

import java.util.List;

import io.etcddiscovery.discovery.EtcdDiscoveryClient;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.util.Assert;

/**
 * A Spring Cloud {@link DiscoveryClient} that answers from the local cache of etcd: no
 * call to etcd per lookup. Lookups return only UP instances unless
 * {@code discovery.client.only-up=false}.
 *
 * @author etcd-discovery authors
 */
public class EtcdCloudDiscoveryClient implements DiscoveryClient {

	private final EtcdDiscoveryClient discovery;

	private final int order;

	private final CloudServiceInstances instances = new CloudServiceInstances();

	/**
	 * Create a new client with the default order.
	 * @param discovery the discovery client to read from
	 */
	public EtcdCloudDiscoveryClient(EtcdDiscoveryClient discovery) {
		this(discovery, DiscoveryClient.DEFAULT_ORDER);
	}

	/**
	 * Create a new client.
	 * @param discovery the discovery client to read from
	 * @param order the order among discovery clients of a composite client
	 */
	public EtcdCloudDiscoveryClient(EtcdDiscoveryClient discovery, int order) {
		Assert.notNull(discovery, "'discovery' must not be null");
		this.discovery = discovery;
		this.order = order;
	}

	@Override
	public String description() {
		return "etcd Discovery Client (" + this.discovery.getCache().getPrefix() + ")";
	}

	@Override
	public List<ServiceInstance> getInstances(String serviceId) {
		return this.instances.adapt(serviceId, this.discovery.instances(serviceId));
	}

	@Override
	public List<String> getServices() {
		return this.discovery.services();
	}

	/**
	 * Check that etcd answers: a lookup answers from the cache even when it does not.
	 */
	@Override
	public void probe() {
		this.discovery.getCache().probe();
	}

	@Override
	public int getOrder() {
		return this.order;
	}

}
