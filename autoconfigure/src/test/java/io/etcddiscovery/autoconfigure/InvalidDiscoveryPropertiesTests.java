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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests that every invalid {@code discovery.*} value fails start-up the way Spring Boot
 * reports it: a bind-time validation error or an
 * {@code InvalidConfigurationPropertyValueException}, naming the property and showing the
 * value, and where it was set in Boot's failure analysis.
 *
 * @author etcd-discovery authors
 */
@ExtendWith(OutputCaptureExtension.class)
class InvalidDiscoveryPropertiesTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, EtcdClientAutoConfiguration.class,
				DiscoveryRegistrationAutoConfiguration.class, DiscoveryClientAutoConfiguration.class))
		.withPropertyValues("spring.application.name=orders");

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|', textBlock = """
			discovery.service-name           | 'or ders'               | discovery.service-name
			discovery.service-name           | 'orders/v1'             | discovery.service-name
			discovery.service-name           | ''                      | discovery.service-name
			spring.application.name          | 'my app'                | spring.application.name
			discovery.instance-id            | 'a/b'                   | discovery.instance-id
			discovery.namespace              | 'prod/eu'               | discovery.namespace
			discovery.namespace              | ''                      | discovery.namespace
			discovery.ttl                    | 1s                      | discovery.ttl
			discovery.ttl                    | 1500ms                  | discovery.ttl
			discovery.etcd.endpoints         | 127.0.0.1:2379          | discovery.etcd.endpoints
			discovery.etcd.endpoints         | 'http://'               | discovery.etcd.endpoints
			discovery.etcd.endpoints         | 'ftp://127.0.0.1:2379'  | discovery.etcd.endpoints
			discovery.etcd.endpoints         | 'not a url'             | discovery.etcd.endpoints
			discovery.etcd.key-prefix        | services                | discovery.etcd.key-prefix
			discovery.etcd.key-prefix        | /services/              | discovery.etcd.key-prefix
			discovery.etcd.key-prefix        | /a//b                   | discovery.etcd.key-prefix
			discovery.etcd.request-timeout   | 0s                      | discovery.etcd.request-timeout
			discovery.etcd.request-timeout   | 11s                     | discovery.etcd.request-timeout
			discovery.etcd.member-timeout    | 0s                      | discovery.etcd.member-timeout
			discovery.etcd.member-timeout    | 5700ms                  | discovery.etcd.member-timeout
			discovery.etcd.connect-timeout   | -1s                     | discovery.etcd.connect-timeout
			discovery.etcd.username          | alice                   | discovery.etcd.password
			discovery.etcd.password          | secret                  | discovery.etcd.username
			discovery.retry.initial-interval | 0ms                     | discovery.retry.initial-interval
			discovery.retry.max-interval     | 100ms                   | discovery.retry.max-interval
			discovery.retry.multiplier       | 0.5                     | discovery.retry.multiplier
			discovery.shutdown.drain-delay   | -1s                     | discovery.shutdown.drain-delay
			discovery.client.change-event-delay | -1ms               | discovery.client.change-event-delay
			discovery.client.ejection.probe-interval | 0s            | discovery.client.ejection.probe-interval
			discovery.client.warm-up         | -1s                     | discovery.client.warm-up
			discovery.client.protection.threshold | 1                | discovery.client.protection.threshold
			discovery.client.protection.threshold | -0.1             | discovery.client.protection.threshold
			discovery.client.protection.window | 0s                  | discovery.client.protection.window
			discovery.client.protection.max-hold | -1s               | discovery.client.protection.max-hold
			discovery.weight                 | 0                       | discovery.weight
			discovery.host-detection.ignored-interfaces | '(' | discovery.host-detection.ignored-interfaces
			""")
	void invalidValueFailsStartUpNamingTheProperty(String property, String value, String reported) {
		this.contextRunner.withPropertyValues(property + "=" + value).run((context) -> {
			assertThat(context).hasFailed();
			ReportedProperty failure = ReportedProperty.of(context.getStartupFailure());
			assertThat(failure.name()).startsWith(reported);
			assertThat(failure.reason()).isNotBlank();
			if (property.equals(reported)) {
				assertThat(failure.value()).as("the value shown").hasToString(value.replace("'", ""));
			}
		});
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			discovery.ttl=2s
			discovery.ttl=1m
			discovery.etcd.endpoints=http://127.0.0.1:2379,https://localhost:2379
			discovery.etcd.endpoints=http://[::1]:2379
			discovery.etcd.key-prefix=/my/services
			discovery.namespace=dev_eu-1.blue
			discovery.service-name=order-service.v2
			discovery.register=false
			discovery.etcd.request-timeout=10s
			discovery.etcd.member-timeout=5666ms
			""")
	void validValueStartsUp(String property) {
		this.contextRunner.withPropertyValues(property).run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void missingServiceNameFailsStartUpWithAdvice() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(EtcdClientAutoConfiguration.class,
					DiscoveryRegistrationAutoConfiguration.class))
			.run((context) -> {
				ReportedProperty failure = ReportedProperty.of(context.getStartupFailure());
				assertThat(failure.name()).isEqualTo("discovery.service-name");
				assertThat(failure.reason()).contains("a service name is required")
					.contains("spring.application.name")
					.contains("discovery.register=false");
			});
	}

	@Test
	void registrationPropertiesAreNotCheckedWhenRegistrationIsOff() {
		this.contextRunner
			.withPropertyValues("discovery.register=false", "discovery.service-name=or ders", "discovery.port=0",
					"discovery.instance-id=a/b", "discovery.heartbeat.threshold=0")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void failureAnalysisShowsPropertyValueAndOrigin(CapturedOutput output) {
		SpringApplicationBuilder application = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
			.properties("spring.application.name=orders", "discovery.etcd.endpoints=http://127.0.0.1:1",
					"spring.main.banner-mode=off");
		assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> application.run("--discovery.ttl=1s"));
		assertThat(output).contains("Property: discovery.ttl")
			.contains("Value: \"PT1S\"")
			.contains("Origin: \"discovery.ttl\" from property source \"commandLineArgs\"")
			.contains("Reason: must be at least 2s, etcd's minimum lease TTL");
	}

	@Test
	void failureAnalysisOfATimeoutThatDoesNotFitTheTtlShowsPropertyValueAndOrigin(CapturedOutput output) {
		SpringApplicationBuilder application = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
			.properties("spring.application.name=orders", "discovery.etcd.endpoints=http://127.0.0.1:1",
					"spring.main.banner-mode=off");
		assertThatExceptionOfType(RuntimeException.class)
			.isThrownBy(() -> application.run("--discovery.ttl=4s", "--discovery.etcd.request-timeout=5s"));
		assertThat(output).contains("discovery.etcd.request-timeout")
			.contains("'5s'")
			.contains("commandLineArgs")
			.contains("must not be longer than 'discovery.ttl' (4s)");
	}

	@Test
	void requestTimeoutLongerThanTheTtlFailsStartUpNamingBoth() {
		this.contextRunner.withPropertyValues("discovery.ttl=4s", "discovery.etcd.request-timeout=5s")
			.run((context) -> {
				ReportedProperty failure = ReportedProperty.of(context.getStartupFailure());
				assertThat(failure.name()).isEqualTo("discovery.etcd.request-timeout");
				assertThat(failure.value()).isEqualTo("5s");
				assertThat(failure.reason()).contains("must not be longer than 'discovery.ttl' (4s)")
					.contains("raise 'discovery.ttl'")
					.contains("half the TTL");
			});
	}

	@Test
	void memberTimeoutThatLeavesNoTimeToRenewThroughAnotherMemberFailsStartUp() {
		this.contextRunner.withPropertyValues("discovery.ttl=4s", "discovery.etcd.member-timeout=2s").run((context) -> {
			ReportedProperty failure = ReportedProperty.of(context.getStartupFailure());
			assertThat(failure.name()).isEqualTo("discovery.etcd.member-timeout");
			assertThat(failure.value()).isEqualTo("2s");
			assertThat(failure.reason()).contains("too long for 'discovery.ttl' (4s)")
				.contains("at most 1666ms")
				.contains("a sixth of the TTL");
		});
	}

	@Test
	void sslBundleThatIsNotConfiguredFailsStartUpNamingIt() {
		this.contextRunner
			.withPropertyValues("discovery.etcd.ssl.bundle=missing", "discovery.etcd.endpoints=https://127.0.0.1:2379")
			.run((context) -> {
				ReportedProperty failure = ReportedProperty.of(context.getStartupFailure());
				assertThat(failure.name()).isEqualTo("discovery.etcd.ssl.bundle");
				assertThat(failure.value()).isEqualTo("missing");
				assertThat(failure.reason()).contains("no SSL bundle with that name is configured")
					.contains("spring.ssl.bundle.pem.missing");
			});
	}

	@Test
	void sslBundleWithHttpEndpointsFailsStartUp() {
		this.contextRunner
			.withPropertyValues("discovery.etcd.ssl.bundle=etcd", "discovery.etcd.endpoints=http://127.0.0.1:2379")
			.run((context) -> {
				ReportedProperty failure = ReportedProperty.of(context.getStartupFailure());
				assertThat(failure.name()).isEqualTo("discovery.etcd.endpoints");
				assertThat(failure.reason()).contains("http://").contains("https://");
			});
	}

	@Test
	void namespaceGuardRefusesANamespaceThatIsNotAllowed() {
		this.contextRunner.withPropertyValues("discovery.allowed-namespaces=dev,staging", "discovery.namespace=prod")
			.run((context) -> {
				ReportedProperty failure = ReportedProperty.of(context.getStartupFailure());
				assertThat(failure.name()).isEqualTo("discovery.namespace");
				assertThat(failure.value()).isEqualTo("prod");
				assertThat(failure.reason()).contains("[dev, staging]").contains("DISCOVERY_NAMESPACE");
			});
		this.contextRunner.withPropertyValues("discovery.allowed-namespaces=dev,staging", "discovery.namespace=dev")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void passwordIsNeverShownInTheReport(CapturedOutput output) {
		SpringApplicationBuilder application = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
			.properties("spring.application.name=orders", "discovery.etcd.endpoints=http://127.0.0.1:1",
					"spring.main.banner-mode=off");
		assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> application
			.run("--discovery.etcd.username=alice", "--discovery.etcd.password=s3cr3t", "--discovery.ttl=1s"));
		assertThat(output).contains("Property: discovery.ttl").doesNotContain("s3cr3t");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

	}

}
