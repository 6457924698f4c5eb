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

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.etcd.jetcd.Client;
import io.etcddiscovery.registration.RegistrationLifecycle;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EtcdClientAutoConfiguration}.
 *
 * @author etcd-discovery authors
 */
class EtcdClientAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, EtcdClientAutoConfiguration.class,
				DiscoveryRegistrationAutoConfiguration.class))
		.withPropertyValues("spring.application.name=orders");

	@Test
	void defaultsCreateClientAndRegistration() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(Client.class).hasSingleBean(RegistrationLifecycle.class);
			DiscoveryProperties properties = context.getBean(DiscoveryProperties.class);
			assertThat(properties.isEnabled()).isTrue();
			assertThat(properties.isRegister()).isTrue();
			assertThat(properties.getServiceName()).isNull();
			assertThat(properties.getInstanceId()).isNull();
			assertThat(properties.getNamespace()).isEqualTo("default");
			assertThat(properties.getTtl()).isEqualTo(Duration.ofSeconds(10));
			assertThat(properties.isFailFast()).isFalse();
			assertThat(properties.isSecure()).isFalse();
			assertThat(properties.getMetadata()).isEmpty();
			assertThat(properties.getEtcd().getEndpoints()).containsExactly("http://127.0.0.1:2379");
			assertThat(properties.getEtcd().getKeyPrefix()).isEqualTo("/services");
			assertThat(properties.getEtcd().getUsername()).isNull();
			assertThat(properties.getEtcd().getPassword()).isNull();
			assertThat(properties.getEtcd().getSsl().getBundle()).isNull();
			assertThat(properties.getEtcd().getConnectTimeout()).isEqualTo(Duration.ofSeconds(5));
			assertThat(properties.getEtcd().getRequestTimeout()).isEqualTo(Duration.ofSeconds(5));
			assertThat(properties.getShutdown().getDrainDelay()).isEqualTo(Duration.ofSeconds(2));
		});
	}

	@Test
	void namespaceIsReadFromTheEnvironmentVariableName() {
		this.contextRunner
			.withInitializer(
					(context) -> context.getEnvironment()
						.getPropertySources()
						.addFirst(new SystemEnvironmentPropertySource(
								StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
								Map.of("DISCOVERY_NAMESPACE", "staging"))))
			.run((context) -> assertThat(context.getBean(DiscoveryProperties.class).getNamespace())
				.isEqualTo("staging"));
	}

	@Test
	void disabledByProperty() {
		this.contextRunner.withPropertyValues("discovery.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(Client.class)
				.doesNotHaveBean(RegistrationLifecycle.class)
				.doesNotHaveBean(DiscoveryProperties.class));
	}

	@Test
	void registrationDisabledKeepsTheClient() {
		this.contextRunner.withPropertyValues("discovery.register=false")
			.run((context) -> assertThat(context).hasSingleBean(Client.class)
				.doesNotHaveBean(RegistrationLifecycle.class));
	}

	@Test
	void backsOffWhenTheUserDefinesAClient() {
		this.contextRunner.withUserConfiguration(UserClientConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(Client.class);
			assertThat(context.getBean(Client.class)).isSameAs(context.getBean("userClient"));
			assertThat(context).hasSingleBean(RegistrationLifecycle.class);
		});
	}

	@Test
	void backsOffWithoutJetcd() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Client.class))
			.run((context) -> assertThat(context).doesNotHaveBean(RegistrationLifecycle.class)
				.doesNotHaveBean("etcdClient"));
	}

	@Test
	void customizersSeeTheConfiguredBuilderInOrder() {
		List<String> calls = new ArrayList<>();
		this.contextRunner.withPropertyValues("discovery.etcd.endpoints=http://127.0.0.1:2390")
			.withBean("second", EtcdClientBuilderCustomizer.class,
					() -> new OrderedCustomizer(2, (builder) -> calls.add("second " + builder.target())))
			.withBean("first", EtcdClientBuilderCustomizer.class,
					() -> new OrderedCustomizer(1, (builder) -> calls.add("first " + builder.target())))
			.run((context) -> {
				assertThat(context).hasSingleBean(Client.class);
				// Each customizer sees the builder with the configured endpoints, in
				// order.
				assertThat(calls).containsExactly("first ip:///127.0.0.1:2390", "second ip:///127.0.0.1:2390");
			});
	}

	record OrderedCustomizer(int order,
			EtcdClientBuilderCustomizer delegate) implements EtcdClientBuilderCustomizer, Ordered {

		@Override
		public void customize(io.etcd.jetcd.ClientBuilder builder) {
			this.delegate.customize(builder);
		}

		@Override
		public int getOrder() {
			return this.order;
		}

	}

	@Test
	void sslBundleIsUsedForTls() {
		this.contextRunner
			.withPropertyValues("discovery.etcd.endpoints=https://127.0.0.1:2379", "discovery.etcd.ssl.bundle=etcd",
					"spring.ssl.bundle.jks.etcd.truststore.location=classpath:test-truststore.p12",
					"spring.ssl.bundle.jks.etcd.truststore.password=secret",
					"spring.ssl.bundle.jks.etcd.truststore.type=PKCS12")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(Client.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserClientConfiguration {

		@Bean(destroyMethod = "close")
		Client userClient() {
			return Client.builder().endpoints("http://127.0.0.1:1").build();
		}

	}

}
