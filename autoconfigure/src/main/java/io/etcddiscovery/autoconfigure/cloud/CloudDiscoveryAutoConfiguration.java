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

import io.etcddiscovery.autoconfigure.ConditionalOnEtcdDiscoveryClientEnabled;
import io.etcddiscovery.autoconfigure.DiscoveryClientAutoConfiguration;
import io.etcddiscovery.autoconfigure.DiscoveryClientProperties;
import io.etcddiscovery.cloud.EtcdCloudDiscoveryClient;
import io.etcddiscovery.cloud.EtcdDiscoveryHealthIndicator;
import io.etcddiscovery.cloud.EtcdReactiveDiscoveryClient;
import io.etcddiscovery.cloud.EtcdReactiveDiscoveryHealthIndicator;
import io.etcddiscovery.discovery.EtcdDiscoveryClient;
import io.etcddiscovery.discovery.ServiceCache;
import reactor.core.publisher.Flux;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.client.CommonsClientAutoConfiguration;
import org.springframework.cloud.client.ConditionalOnBlockingDiscoveryEnabled;
import org.springframework.cloud.client.ConditionalOnDiscoveryEnabled;
import org.springframework.cloud.client.ConditionalOnDiscoveryHealthIndicatorEnabled;
import org.springframework.cloud.client.ConditionalOnReactiveDiscoveryEnabled;
import org.springframework.cloud.client.ReactiveCommonsClientAutoConfiguration;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.discovery.simple.reactive.SimpleReactiveDiscoveryClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of Spring Cloud's {@link DiscoveryClient} and
 * {@link org.springframework.cloud.client.discovery.ReactiveDiscoveryClient} over the
 * local cache of etcd, honouring {@code spring.cloud.discovery.enabled},
 * {@code spring.cloud.discovery.blocking.enabled} and
 * {@code spring.cloud.discovery.reactive.enabled}, with their components of Spring
 * Cloud's discovery health composites.
 *
 * @author etcd-discovery authors
 */
@AutoConfiguration(after = DiscoveryClientAutoConfiguration.class,
		before = { SimpleDiscoveryClientAutoConfiguration.class, CommonsClientAutoConfiguration.class,
				SimpleReactiveDiscoveryClientAutoConfiguration.class, ReactiveCommonsClientAutoConfiguration.class })
@ConditionalOnClass(DiscoveryClient.class)
@ConditionalOnBean(EtcdDiscoveryClient.class)
@ConditionalOnDiscoveryEnabled
@ConditionalOnEtcdDiscoveryClientEnabled
@EnableConfigurationProperties(DiscoveryClientProperties.class)
public final class CloudDiscoveryAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBlockingDiscoveryEnabled
	static class BlockingDiscoveryClientConfiguration {

		@Bean
		@ConditionalOnMissingBean
		EtcdCloudDiscoveryClient etcdCloudDiscoveryClient(EtcdDiscoveryClient etcdDiscoveryClient,
				DiscoveryClientProperties properties) {
			return new EtcdCloudDiscoveryClient(etcdDiscoveryClient, properties.getOrder());
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
		@ConditionalOnDiscoveryHealthIndicatorEnabled
		static class DiscoveryHealthConfiguration {

			@Bean
			@ConditionalOnMissingBean
			EtcdDiscoveryHealthIndicator etcdDiscoveryHealthIndicator(ServiceCache serviceCache) {
				return new EtcdDiscoveryHealthIndicator(serviceCache);
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Flux.class)
	@ConditionalOnReactiveDiscoveryEnabled
	static class ReactiveDiscoveryClientConfiguration {

		@Bean
		@ConditionalOnMissingBean
		EtcdReactiveDiscoveryClient etcdReactiveDiscoveryClient(EtcdDiscoveryClient etcdDiscoveryClient,
				DiscoveryClientProperties properties) {
			return new EtcdReactiveDiscoveryClient(etcdDiscoveryClient, properties.getOrder());
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(name = "org.springframework.boot.health.contributor.ReactiveHealthIndicator")
		@ConditionalOnDiscoveryHealthIndicatorEnabled
		static class ReactiveDiscoveryHealthConfiguration {

			@Bean
			@ConditionalOnMissingBean
			EtcdReactiveDiscoveryHealthIndicator etcdReactiveDiscoveryHealthIndicator(ServiceCache serviceCache) {
				return new EtcdReactiveDiscoveryHealthIndicator(serviceCache);
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.cloud.gateway.config.GatewayAutoConfiguration")
	@ConditionalOnMissingClass("org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier")
	static class GatewayWithoutLoadBalancerConfiguration {

		@Bean
		@ConditionalOnMissingBean
		LoadBalancerMissingWarning loadBalancerMissingWarning() {
			return new LoadBalancerMissingWarning();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.cloud.gateway.server.mvc.GatewayServerMvcAutoConfiguration")
	@ConditionalOnMissingClass("org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier")
	static class GatewayMvcWithoutLoadBalancerConfiguration {

		@Bean
		@ConditionalOnMissingBean
		LoadBalancerMissingWarning loadBalancerMissingWarning() {
			return new LoadBalancerMissingWarning();
		}

	}

}
