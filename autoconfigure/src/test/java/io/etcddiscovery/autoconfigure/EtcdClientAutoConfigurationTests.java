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
import io.etcddiscovery.etcd.Backoff;
import io.etcddiscovery.etcd.DiscoveryScheduler;
import io.etcddiscovery.etcd.KeyLayout;
import io.etcddiscovery.etcd.MemberFailover;
import io.etcddiscovery.registration.InstanceLifecycle;
import io.etcddiscovery.registration.RegistrationStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
			assertThat(context).hasSingleBean(Client.class).hasSingleBean(InstanceLifecycle.class);
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
			EtcdProperties etcd = context.getBean(EtcdProperties.class);
			assertThat(etcd.getEndpoints()).containsExactly("http://127.0.0.1:2379");
			assertThat(etcd.getKeyPrefix()).isEqualTo("/services");
			assertThat(etcd.getUsername()).isNull();
			assertThat(etcd.getPassword()).isNull();
			assertThat(etcd.getSsl().getBundle()).isNull();
			assertThat(etcd.getConnectTimeout()).isEqualTo(Duration.ofSeconds(5));
			assertThat(etcd.getRequestTimeout()).isNull();
			assertThat(etcd.getMemberTimeout()).isNull();
			assertThat(properties.getShutdown().getDrainDelay()).isEqualTo(Duration.ofSeconds(2));
		});
	}

	@ParameterizedTest(name = "ttl {0}")
	@CsvSource(delimiter = '|', textBlock = """
			PT2S  | PT2S | PT0.333S
			PT4S  | PT2S | PT0.666S
			PT6S  | PT3S | PT1S
			PT10S | PT5S | PT1.666S
			PT1M  | PT5S | PT10S
			""")
	void timeoutsFollowTheTtlWhenNotSet(Duration ttl, Duration requestTimeout, Duration memberTimeout) {
		this.contextRunner.withPropertyValues("discovery.ttl=" + ttl.toMillis() + "ms").run((context) -> {
			DiscoveryProperties properties = context.getBean(DiscoveryProperties.class);
			EtcdProperties etcd = context.getBean(EtcdProperties.class);
			assertThat(EtcdTimeouts.requestTimeout(etcd, properties.getTtl())).isEqualTo(requestTimeout);
			assertThat(EtcdTimeouts.memberTimeout(etcd, properties.getTtl())).isEqualTo(memberTimeout);
			assertThat(context.getBean(RegistrationStore.class).getRequestTimeout()).isEqualTo(requestTimeout);
			assertThat(context.getBean(MemberFailover.class).getMemberTimeout()).isEqualTo(memberTimeout);
		});
	}

	@Test
	void timeoutsThatAreSetWin() {
		this.contextRunner
			.withPropertyValues("discovery.ttl=4s", "discovery.etcd.request-timeout=3s",
					"discovery.etcd.member-timeout=1s")
			.run((context) -> {
				assertThat(context.getBean(RegistrationStore.class).getRequestTimeout())
					.isEqualTo(Duration.ofSeconds(3));
				assertThat(context.getBean(MemberFailover.class).getMemberTimeout()).isEqualTo(Duration.ofSeconds(1));
			});
	}

	@Test
	void failoverIsInstalledWithSeveralEndpointsOnly() {
		this.contextRunner.withPropertyValues("discovery.etcd.endpoints=http://127.0.0.1:1,http://127.0.0.1:2")
			.run((context) -> assertThat(context.getBean(MemberFailover.class).isInstalled()).isTrue());
		// The same member twice is one member.
		this.contextRunner.withPropertyValues("discovery.etcd.endpoints=http://127.0.0.1:1,http://127.0.0.1:1")
			.run((context) -> assertThat(context.getBean(MemberFailover.class).isInstalled()).isFalse());
		this.contextRunner.run((context) -> assertThat(context.getBean(MemberFailover.class).isInstalled()).isFalse());
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
	void connectionDetailsComeFromThePropertiesUnlessABeanSuppliesThem() {
		this.contextRunner
			.withPropertyValues("discovery.etcd.endpoints=http://10.0.0.1:2379", "discovery.etcd.username=alice",
					"discovery.etcd.password=secret")
			.run((context) -> {
				EtcdConnectionDetails details = context.getBean(EtcdConnectionDetails.class);
				assertThat(details).isInstanceOf(PropertiesEtcdConnectionDetails.class);
				assertThat(details.getEndpoints()).containsExactly("http://10.0.0.1:2379");
				assertThat(details.getUsername()).isEqualTo("alice");
				assertThat(details.getPassword()).isEqualTo("secret");
				assertThat(details.getSslBundle()).isNull();
			});
		this.contextRunner.withBean(EtcdConnectionDetails.class, () -> () -> List.of("http://10.9.9.9:2379"))
			.run((context) -> {
				assertThat(context).hasSingleBean(EtcdConnectionDetails.class)
					.doesNotHaveBean(PropertiesEtcdConnectionDetails.class);
				assertThat(context.getBean(EtcdConnectionDetails.class).getEndpoints())
					.containsExactly("http://10.9.9.9:2379");
			});
	}

	@Test
	void theSharedPiecesAreOneBeanEach() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(DiscoveryScheduler.class)
			.hasSingleBean(KeyLayout.class)
			.hasSingleBean(Backoff.class));
	}

	@Test
	void disabledByProperty() {
		this.contextRunner.withPropertyValues("discovery.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(Client.class)
				.doesNotHaveBean(InstanceLifecycle.class)
				.doesNotHaveBean(DiscoveryProperties.class));
	}

	@Test
	void registrationDisabledKeepsTheClient() {
		this.contextRunner.withPropertyValues("discovery.register=false")
			.run((context) -> assertThat(context).hasSingleBean(Client.class).doesNotHaveBean(InstanceLifecycle.class));
	}

	@Test
	void backsOffWhenTheUserDefinesAClient() {
		this.contextRunner.withUserConfiguration(UserClientConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(Client.class);
			assertThat(context.getBean(Client.class)).isSameAs(context.getBean("userClient"));
			assertThat(context).hasSingleBean(InstanceLifecycle.class);
			assertThat(context).doesNotHaveBean(MemberFailover.class);
		});
	}

	@Test
	void backsOffWithoutJetcd() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Client.class))
			.run((context) -> assertThat(context).doesNotHaveBean(InstanceLifecycle.class)
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
