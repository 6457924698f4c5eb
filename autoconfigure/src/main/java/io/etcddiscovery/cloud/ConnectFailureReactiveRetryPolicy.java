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

import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.LoadBalancerProperties;
import org.springframework.cloud.client.loadbalancer.reactive.LoadBalancerRetryPolicy;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.cloud.client.loadbalancer.reactive.RetryableExchangeFilterFunctionLoadBalancerRetryPolicy;
import org.springframework.http.HttpMethod;
import org.springframework.util.Assert;
import org.springframework.web.reactive.function.client.WebClientRequestException;

/**
 * The retry policy of load-balanced {@code WebClient}s with this library, the reactive
 * counterpart of {@link ConnectFailureRetryPolicy}: a request is sent again, to another
 * instance, only if the one it was sent to never answered it (a connect failure, or its
 * connection closed or reset before the response's head) and its method is idempotent.
 * <p>
 * Spring Cloud's {@code RetryableLoadBalancerExchangeFilterFunction} checks the method
 * for retryable status codes only, not for exceptions: with Spring Cloud's own policy a
 * POST whose connection was reset after it was sent is sent again. This policy reads the
 * method from the {@link WebClientRequestException} that carries every exchange failure,
 * and refuses what does not carry one (the filter also asks about the bare cause, whose
 * method it cannot tell). Counts and status codes are Spring Cloud's
 * ({@code spring.cloud.loadbalancer.retry.*}), and {@code retryable-exceptions} or
 * {@code retry-on-all-exceptions}, once set, replace the connect-failure rule, still for
 * idempotent methods only unless {@code retry-on-all-operations=true}.
 *
 * @author etcd-discovery authors
 */
public class ConnectFailureReactiveRetryPolicy extends RetryableExchangeFilterFunctionLoadBalancerRetryPolicy {

	private final LoadBalancerProperties.Retry retry;

	private final boolean exceptionsConfigured;

	/**
	 * Create a new policy.
	 * @param properties the load balancer properties of the service called
	 */
	public ConnectFailureReactiveRetryPolicy(LoadBalancerProperties properties) {
		super(properties);
		Assert.notNull(properties, "'properties' must not be null");
		this.retry = properties.getRetry();
		this.exceptionsConfigured = ConnectFailureRetryPolicy.exceptionsConfigured(this.retry);
	}

	@Override
	public boolean canRetryOnMethod(HttpMethod method) {
		return this.retry.isRetryOnAllOperations() || IdempotentMethods.isIdempotent(method);
	}

	@Override
	public boolean retryableException(@Nullable Throwable throwable) {
		if (throwable instanceof org.springframework.cloud.client.loadbalancer.reactive.RetryableStatusCodeException) {
			// A configured retryable status code: the filter checked the method.
			return true;
		}
		if (!(throwable instanceof WebClientRequestException failure) || !canRetryOnMethod(failure.getMethod())) {
			return false;
		}
		// A WebClientRequestException wraps only failures before the response's head.
		return this.exceptionsConfigured ? super.retryableException(failure)
				: ConnectFailures.isUnansweredBeforeResponseHead(failure);
	}

	/**
	 * Creates a {@link ConnectFailureReactiveRetryPolicy} per service, from its
	 * properties.
	 */
	public static class Factory implements LoadBalancerRetryPolicy.Factory {

		private final ReactiveLoadBalancer.Factory<ServiceInstance> loadBalancerFactory;

		/**
		 * Create a new factory.
		 * @param loadBalancerFactory where the properties of each service come from
		 */
		public Factory(ReactiveLoadBalancer.Factory<ServiceInstance> loadBalancerFactory) {
			Assert.notNull(loadBalancerFactory, "'loadBalancerFactory' must not be null");
			this.loadBalancerFactory = loadBalancerFactory;
		}

		@Override
		public LoadBalancerRetryPolicy apply(String service) {
			return new ConnectFailureReactiveRetryPolicy(this.loadBalancerFactory.getProperties(service));
		}

	}

}
