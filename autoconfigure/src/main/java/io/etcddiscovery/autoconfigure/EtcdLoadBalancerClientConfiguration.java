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

package io.etcddiscovery.autoconfigure;

import io.etcddiscovery.cloud.EtcdServiceInstanceListSupplier;
import io.etcddiscovery.discovery.EtcdDiscoveryClient;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.cloud.loadbalancer.support.LoadBalancerEnvironmentPropertyUtils;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * LoadBalancer client configuration whose {@link ServiceInstanceListSupplier} is pushed
 * by the local cache of etcd, without Spring Cloud's caching supplier: a withdrawn
 * instance stops receiving requests as soon as its key is gone.
 * <p>
 * Like Spring Cloud's own, the supplier follows
 * {@code spring.cloud.loadbalancer.configurations} (or
 * {@code spring.cloud.loadbalancer.clients.<service>.configurations}): {@code default},
 * {@code zone-preference} (instances whose {@code zone} metadata matches
 * {@code spring.cloud.loadbalancer.zone} first) and {@code weighted} (by {@code weight}
 * metadata). Other configurations are left to Spring Cloud, reading the etcd-backed
 * {@code DiscoveryClient}.
 *
 * @author etcd-discovery authors
 */
@Configuration(proxyBeanMethods = false)
public class EtcdLoadBalancerClientConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@Conditional(DefaultConfigurationCondition.class)
	ServiceInstanceListSupplier etcdServiceInstanceListSupplier(EtcdDiscoveryClient discovery, Environment environment,
			ConfigurableApplicationContext context) {
		return ServiceInstanceListSupplier.builder().withBase(base(discovery, environment)).build(context);
	}

	@Bean
	@ConditionalOnMissingBean
	@Conditional(ZonePreferenceConfigurationCondition.class)
	ServiceInstanceListSupplier etcdZonePreferenceServiceInstanceListSupplier(EtcdDiscoveryClient discovery,
			Environment environment, ConfigurableApplicationContext context) {
		return ServiceInstanceListSupplier.builder()
			.withBase(base(discovery, environment))
			.withZonePreference()
			.build(context);
	}

	@Bean
	@ConditionalOnMissingBean
	@Conditional(WeightedConfigurationCondition.class)
	ServiceInstanceListSupplier etcdWeightedServiceInstanceListSupplier(EtcdDiscoveryClient discovery,
			Environment environment, ConfigurableApplicationContext context) {
		return ServiceInstanceListSupplier.builder()
			.withBase(base(discovery, environment))
			.withWeighted()
			.build(context);
	}

	private static EtcdServiceInstanceListSupplier base(EtcdDiscoveryClient discovery, Environment environment) {
		return new EtcdServiceInstanceListSupplier(discovery,
				environment.getRequiredProperty(LoadBalancerClientFactory.PROPERTY_NAME));
	}

	static class DefaultConfigurationCondition implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return LoadBalancerEnvironmentPropertyUtils.equalToOrMissingForClientOrDefault(context.getEnvironment(),
					"configurations", "default");
		}

	}

	static class ZonePreferenceConfigurationCondition implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return LoadBalancerEnvironmentPropertyUtils.equalToForClientOrDefault(context.getEnvironment(),
					"configurations", "zone-preference");
		}

	}

	static class WeightedConfigurationCondition implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return LoadBalancerEnvironmentPropertyUtils.equalToForClientOrDefault(context.getEnvironment(),
					"configurations", "weighted");
		}

	}

}
