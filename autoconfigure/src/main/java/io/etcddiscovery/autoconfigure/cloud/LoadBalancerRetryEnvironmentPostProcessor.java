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

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;

/**
 * Sets {@code spring.cloud.loadbalancer.retry.enabled=true} as a default, with the lowest
 * precedence, so that load-balanced {@code WebClient}s retry a request that never reached
 * an instance the way {@code RestClient} and {@code RestTemplate} do.
 * <p>
 * {@code true} is Spring Cloud's documented default of that property, and its blocking
 * retry honours it when the property is absent; its reactive retry filter is registered
 * only when the property is set. Any value the application sets wins. Added only where
 * {@link CloudLoadBalancerRetryAutoConfiguration} installs its policy: Spring Cloud
 * LoadBalancer, WebFlux and jetcd on the classpath, and none of
 * {@code discovery.enabled}, {@code discovery.client.enabled},
 * {@code spring.cloud.discovery.enabled}, {@code spring.cloud.loadbalancer.enabled} set
 * to {@code false}.
 *
 * @author etcd-discovery authors
 */
public class LoadBalancerRetryEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/**
	 * Name of the property source this adds.
	 */
	public static final String PROPERTY_SOURCE_NAME = "etcdDiscoveryLoadBalancerRetryDefaults";

	static final String RETRY_ENABLED = "spring.cloud.loadbalancer.retry.enabled";

	private static final String[] REQUIRED_CLASSES = {
			"org.springframework.cloud.client.loadbalancer.reactive.RetryableLoadBalancerExchangeFilterFunction",
			"org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory",
			"org.springframework.web.reactive.function.client.WebClient", "io.etcd.jetcd.Client" };

	private static final String[] SWITCHES = { "discovery.enabled", "discovery.client.enabled",
			"spring.cloud.discovery.enabled", "spring.cloud.loadbalancer.enabled" };

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		ClassLoader classLoader = application.getClassLoader();
		for (String required : REQUIRED_CLASSES) {
			if (!ClassUtils.isPresent(required, classLoader)) {
				return;
			}
		}
		for (String name : SWITCHES) {
			// As @ConditionalOnBooleanProperty(matchIfMissing = true) reads them.
			String value = environment.getProperty(name);
			if (value != null && !"true".equalsIgnoreCase(value.trim())) {
				return;
			}
		}
		if (!environment.getPropertySources().contains(PROPERTY_SOURCE_NAME)) {
			environment.getPropertySources()
				.addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, Map.of(RETRY_ENABLED, "true")));
		}
	}

	@Override
	public int getOrder() {
		// After the application's configuration files are read.
		return Ordered.LOWEST_PRECEDENCE;
	}

}
