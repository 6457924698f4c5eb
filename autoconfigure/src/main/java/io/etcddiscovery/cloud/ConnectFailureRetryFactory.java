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

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.LoadBalancedRetryFactory;
import org.springframework.cloud.client.loadbalancer.LoadBalancedRetryPolicy;
import org.springframework.cloud.client.loadbalancer.ServiceInstanceChooser;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.util.Assert;

/**
 * Gives Spring Cloud's blocking retry ({@code RetryLoadBalancerInterceptor}, OpenFeign's
 * retryable client) a {@link ConnectFailureRetryPolicy} per request, built from the
 * called service's {@code spring.cloud.loadbalancer.retry.*} properties. No back-off
 * between attempts, as in Spring Cloud: the next attempt goes to another instance.
 *
 * @author etcd-discovery authors
 */
public class ConnectFailureRetryFactory implements LoadBalancedRetryFactory {

	private final ReactiveLoadBalancer.Factory<ServiceInstance> loadBalancerFactory;

	/**
	 * Create a new factory.
	 * @param loadBalancerFactory where the properties of each service come from
	 */
	public ConnectFailureRetryFactory(ReactiveLoadBalancer.Factory<ServiceInstance> loadBalancerFactory) {
		Assert.notNull(loadBalancerFactory, "'loadBalancerFactory' must not be null");
		this.loadBalancerFactory = loadBalancerFactory;
	}

	@Override
	public LoadBalancedRetryPolicy createRetryPolicy(String service, ServiceInstanceChooser serviceInstanceChooser) {
		return new ConnectFailureRetryPolicy(this.loadBalancerFactory.getProperties(service));
	}

}
