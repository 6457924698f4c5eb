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
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.util.Assert;

/**
 * Tells {@link EjectedInstances} how each load-balanced request ended: a
 * {@linkplain ConnectFailures connect failure} ejects the instance it was sent to, an
 * answer (whatever its status) ends that instance's ejection.
 * <p>
 * A {@link LoadBalancerLifecycle} bean of the application context, which Spring Cloud
 * LoadBalancer hands every request of every load-balanced client: {@code RestClient},
 * {@code RestTemplate}, {@code WebClient}, OpenFeign, and Spring Cloud Gateway's
 * {@code lb://} routes. It runs on the request's thread (an event loop for reactive
 * clients) and never blocks.
 *
 * @author etcd-discovery authors
 */
@SuppressWarnings("rawtypes")
public class EjectingLoadBalancerLifecycle implements LoadBalancerLifecycle<Object, Object, ServiceInstance> {

	private final EjectedInstances ejectedInstances;

	/**
	 * Create a new lifecycle.
	 * @param ejectedInstances the instances to eject or reinstate
	 */
	public EjectingLoadBalancerLifecycle(EjectedInstances ejectedInstances) {
		Assert.notNull(ejectedInstances, "'ejectedInstances' must not be null");
		this.ejectedInstances = ejectedInstances;
	}

	@Override
	public boolean supports(Class requestContextClass, Class responseClass, Class serverTypeClass) {
		return ServiceInstance.class.isAssignableFrom(serverTypeClass);
	}

	@Override
	public void onStart(Request<Object> request) {
	}

	@Override
	public void onStartRequest(Request<Object> request, Response<ServiceInstance> lbResponse) {
	}

	@Override
	public void onComplete(CompletionContext<Object, ServiceInstance, Object> completionContext) {
		Response<ServiceInstance> response = completionContext.getLoadBalancerResponse();
		ServiceInstance instance = (response != null) ? response.getServer() : null;
		if (instance == null || instance.getServiceId() == null || instance.getHost() == null) {
			return;
		}
		Throwable failure = completionContext.getThrowable();
		if (completionContext.status() == CompletionContext.Status.FAILED && failure != null
				&& ConnectFailures.isConnectFailure(failure)) {
			this.ejectedInstances.eject(instance.getServiceId(), instance.getInstanceId(), instance.getHost(),
					instance.getPort(), failure);
		}
		else if (completionContext.status() == CompletionContext.Status.SUCCESS) {
			this.ejectedInstances.answered(instance.getServiceId(), instance.getHost(), instance.getPort());
		}
	}

}
