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

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.DefaultResourceLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LoadBalancerRetryEnvironmentPostProcessor}.
 *
 * @author etcd-discovery authors
 */
class LoadBalancerRetryEnvironmentPostProcessorTests {

	private static final String RETRY_ENABLED = "spring.cloud.loadbalancer.retry.enabled";

	private final LoadBalancerRetryEnvironmentPostProcessor postProcessor = new LoadBalancerRetryEnvironmentPostProcessor();

	@Test
	void setsSpringCloudsDocumentedDefault() {
		StandardEnvironment environment = new StandardEnvironment();
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty(RETRY_ENABLED)).isEqualTo("true");
		assertThat(environment.getPropertySources().stream().reduce((first, second) -> second).orElseThrow().getName())
			.isEqualTo(LoadBalancerRetryEnvironmentPostProcessor.PROPERTY_SOURCE_NAME);
	}

	@Test
	void theApplicationsValueWins() {
		StandardEnvironment environment = environment(Map.of(RETRY_ENABLED, "false"));
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty(RETRY_ENABLED)).isEqualTo("false");
	}

	@Test
	void notWhereDiscoveryIsOff() {
		for (String off : new String[] { "discovery.enabled", "discovery.client.enabled",
				"spring.cloud.discovery.enabled", "spring.cloud.loadbalancer.enabled" }) {
			StandardEnvironment environment = environment(Map.of(off, "false"));
			this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
			assertThat(environment.containsProperty(RETRY_ENABLED)).as(off).isFalse();
		}
	}

	@Test
	void notWithoutWebClient() {
		SpringApplication application = new SpringApplication();
		application
			.setResourceLoader(new DefaultResourceLoader(new FilteredClassLoader("org.springframework.web.reactive")));
		StandardEnvironment environment = new StandardEnvironment();
		this.postProcessor.postProcessEnvironment(environment, application);
		assertThat(environment.containsProperty(RETRY_ENABLED)).isFalse();
	}

	@Test
	void registeredForEveryApplication() {
		SpringApplication application = new SpringApplication(Empty.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		try (ConfigurableApplicationContext context = application.run("--discovery.enabled=false")) {
			assertThat(context.getEnvironment().containsProperty(RETRY_ENABLED)).isFalse();
		}
		try (ConfigurableApplicationContext context = application.run()) {
			assertThat(context.getEnvironment().getProperty(RETRY_ENABLED)).isEqualTo("true");
		}
	}

	private static StandardEnvironment environment(Map<String, Object> properties) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("application", properties));
		return environment;
	}

	@Configuration(proxyBeanMethods = false)
	static class Empty {

	}

}
