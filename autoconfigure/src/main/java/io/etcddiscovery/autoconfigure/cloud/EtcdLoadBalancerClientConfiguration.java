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

import io.etcddiscovery.cloud.DrainAwareServiceInstanceListSupplier;
import io.etcddiscovery.cloud.EjectedInstances;
import io.etcddiscovery.cloud.EjectionAwareServiceInstanceListSupplier;
import io.etcddiscovery.cloud.EtcdServiceInstanceListSupplier;
import io.etcddiscovery.cloud.WarmUpServiceInstanceListSupplier;
import io.etcddiscovery.discovery.EtcdDiscoveryClient;
import io.etcddiscovery.discovery.WarmUp;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.cloud.loadbalancer.core.DiscoveryClientServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplierBuilder;
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
import org.springframework.util.ClassUtils;

/**
 * LoadBalancer client configuration whose {@link ServiceInstanceListSupplier} is pushed
 * by the local cache of etcd, without Spring Cloud's caching supplier: a withdrawn
 * instance stops receiving requests as soon as its key is gone.
 * <p>
 * Services etcd holds no instance of are left to Spring Cloud's own supplier over the
 * composite {@code DiscoveryClient} (reactive if there is one), so that instances known
 * to other discovery clients, such as
 * {@code spring.cloud.discovery.client.simple.instances}, stay reachable through
 * {@code @LoadBalanced} clients and {@code lb://} routes.
 * <p>
 * Like Spring Cloud's own, the supplier follows
 * {@code spring.cloud.loadbalancer.configurations} (or
 * {@code spring.cloud.loadbalancer.clients.<service>.configurations}): {@code default},
 * {@code zone-preference} (instances whose {@code zone} metadata matches
 * {@code spring.cloud.loadbalancer.zone} first) and {@code weighted} (by {@code weight}
 * metadata). Other configurations are left to Spring Cloud, reading the etcd-backed
 * {@code DiscoveryClient}.
 * <p>
 * Drained instances (their {@code weight} metadata set to 0 at runtime) are left out, and
 * so are instances that {@link EjectedInstances} holds (they refused a connection) until
 * they accept connections again or etcd removes them, before zone preference or weights
 * apply. With {@code discovery.client.warm-up} set, the remaining instances that became
 * UP after this application started are then repeated by their warm-up share
 * ({@link WarmUpServiceInstanceListSupplier}).
 *
 * @author etcd-discovery authors
 */
@Configuration(proxyBeanMethods = false)
public class EtcdLoadBalancerClientConfiguration {

	private static final boolean REACTIVE_DISCOVERY_PRESENT = ClassUtils.isPresent("reactor.core.publisher.Flux",
			EtcdLoadBalancerClientConfiguration.class.getClassLoader());

	@Bean
	@ConditionalOnMissingBean
	@Conditional(DefaultConfigurationCondition.class)
	ServiceInstanceListSupplier etcdServiceInstanceListSupplier(EtcdDiscoveryClient discovery, Environment environment,
			ConfigurableApplicationContext context) {
		return builder(discovery, environment, context).build(context);
	}

	@Bean
	@ConditionalOnMissingBean
	@Conditional(ZonePreferenceConfigurationCondition.class)
	ServiceInstanceListSupplier etcdZonePreferenceServiceInstanceListSupplier(EtcdDiscoveryClient discovery,
			Environment environment, ConfigurableApplicationContext context) {
		return builder(discovery, environment, context).withZonePreference().build(context);
	}

	@Bean
	@ConditionalOnMissingBean
	@Conditional(WeightedConfigurationCondition.class)
	ServiceInstanceListSupplier etcdWeightedServiceInstanceListSupplier(EtcdDiscoveryClient discovery,
			Environment environment, ConfigurableApplicationContext context) {
		return builder(discovery, environment, context).withWeighted().build(context);
	}

	private static ServiceInstanceListSupplierBuilder builder(EtcdDiscoveryClient discovery, Environment environment,
			ConfigurableApplicationContext context) {
		ServiceInstanceListSupplierBuilder builder = ServiceInstanceListSupplier.builder()
			.withBase(base(discovery, environment, context))
			.with((ignored, delegate) -> new DrainAwareServiceInstanceListSupplier(delegate));
		EjectedInstances ejectedInstances = context.getBeanProvider(EjectedInstances.class).getIfAvailable();
		if (ejectedInstances != null) {
			builder
				.with((ignored, delegate) -> new EjectionAwareServiceInstanceListSupplier(delegate, ejectedInstances));
		}
		WarmUp warmUp = context.getBeanProvider(WarmUp.class).getIfAvailable();
		if (warmUp != null && warmUp.isEnabled()) {
			builder.with((ignored, delegate) -> new WarmUpServiceInstanceListSupplier(delegate, warmUp));
		}
		return builder;
	}

	private static EtcdServiceInstanceListSupplier base(EtcdDiscoveryClient discovery, Environment environment,
			ConfigurableApplicationContext context) {
		return new EtcdServiceInstanceListSupplier(discovery,
				environment.getRequiredProperty(LoadBalancerClientFactory.PROPERTY_NAME),
				fallback(environment, context));
	}

	// Spring Cloud's own supplier over the composite client, as its default configuration
	// builds it: reactive when there is a reactive client, blocking otherwise.
	private static @Nullable ServiceInstanceListSupplier fallback(Environment environment,
			ConfigurableApplicationContext context) {
		if (REACTIVE_DISCOVERY_PRESENT) {
			ReactiveDiscoveryClient reactive = context.getBeanProvider(ReactiveDiscoveryClient.class).getIfAvailable();
			if (reactive != null) {
				return new DiscoveryClientServiceInstanceListSupplier(reactive, environment);
			}
		}
		DiscoveryClient blocking = context.getBeanProvider(DiscoveryClient.class).getIfAvailable();
		return (blocking != null) ? new DiscoveryClientServiceInstanceListSupplier(blocking, environment) : null;
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
