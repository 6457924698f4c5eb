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

package io.etcddiscovery.autoconfigure.cloud;

import io.etcd.jetcd.Client;
import io.etcddiscovery.autoconfigure.ConditionalOnEtcdDiscoveryClientEnabled;
import io.etcddiscovery.cloud.ConnectFailureReactiveRetryPolicy;
import io.etcddiscovery.cloud.ConnectFailureRetryFactory;
import io.etcddiscovery.cloud.UnansweredRequestGatewayFilter;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.client.ConditionalOnDiscoveryEnabled;
import org.springframework.cloud.client.loadbalancer.LoadBalancedRetryFactory;
import org.springframework.cloud.client.loadbalancer.reactive.LoadBalancerRetryPolicy;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of Spring Cloud LoadBalancer's retries for this library: a request
 * that never reached an instance (connection refused, connect timeout) is sent to another
 * instance if its method is idempotent; nothing else is retried
 * ({@link ConnectFailureRetryFactory} for {@code RestClient}, {@code RestTemplate} and
 * OpenFeign, {@link ConnectFailureReactiveRetryPolicy} for {@code WebClient}).
 * <p>
 * Spring Cloud's blocking retry needs Spring Retry on the classpath (the Spring Cloud
 * starter of this library brings it). Its reactive retry is on only with
 * {@code spring.cloud.loadbalancer.retry.enabled=true}, which
 * {@link LoadBalancerRetryEnvironmentPostProcessor} sets as a default under the same
 * conditions as these beans. A {@link LoadBalancedRetryFactory} or
 * {@link LoadBalancerRetryPolicy.Factory} bean of the application replaces this one;
 * {@code spring.cloud.loadbalancer.retry.enabled=false} switches retries off.
 *
 * @author etcd-discovery authors
 */
@AutoConfiguration(afterName = "org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration",
		beforeName = { "org.springframework.cloud.loadbalancer.config.BlockingLoadBalancerClientAutoConfiguration",
				"org.springframework.cloud.client.loadbalancer.LoadBalancerAutoConfiguration",
				"org.springframework.cloud.client.loadbalancer.reactive.ReactorLoadBalancerClientAutoConfiguration" })
@ConditionalOnClass({ Client.class, LoadBalancerClientFactory.class })
@ConditionalOnBean(LoadBalancerClientFactory.class)
@ConditionalOnDiscoveryEnabled
@ConditionalOnEtcdDiscoveryClientEnabled
@ConditionalOnBooleanProperty(name = "spring.cloud.loadbalancer.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "spring.cloud.loadbalancer.retry.enabled", matchIfMissing = true)
public final class CloudLoadBalancerRetryAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.retry.support.RetryTemplate")
	static class BlockingRetryConfiguration {

		@Bean
		@ConditionalOnMissingBean(LoadBalancedRetryFactory.class)
		ConnectFailureRetryFactory etcdConnectFailureRetryFactory(LoadBalancerClientFactory loadBalancerClientFactory) {
			return new ConnectFailureRetryFactory(loadBalancerClientFactory);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.web.reactive.function.client.WebClient")
	static class ReactiveRetryConfiguration {

		@Bean
		@ConditionalOnMissingBean(LoadBalancerRetryPolicy.Factory.class)
		ConnectFailureReactiveRetryPolicy.Factory etcdConnectFailureReactiveRetryPolicyFactory(
				LoadBalancerClientFactory loadBalancerClientFactory) {
			return new ConnectFailureReactiveRetryPolicy.Factory(loadBalancerClientFactory);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.cloud.gateway.filter.GlobalFilter")
	static class GatewayRetryConfiguration {

		@Bean
		@ConditionalOnMissingBean
		UnansweredRequestGatewayFilter etcdUnansweredRequestGatewayFilter() {
			return new UnansweredRequestGatewayFilter();
		}

	}

}
