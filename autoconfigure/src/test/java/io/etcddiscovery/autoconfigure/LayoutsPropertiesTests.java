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

import java.util.List;

import io.etcddiscovery.etcd.layout.Layout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@code discovery.layouts.*}: binding, defaults, and start-up failures that
 * name the property.
 *
 * @author etcd-discovery authors
 */
class LayoutsPropertiesTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, EtcdClientAutoConfiguration.class,
				DiscoveryRegistrationAutoConfiguration.class, DiscoveryClientAutoConfiguration.class))
		.withPropertyValues("spring.application.name=orders");

	@Test
	void readsAndPublishesNoLayoutByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			LayoutsProperties layouts = context.getBean(LayoutsProperties.class);
			assertThat(layouts.getRead()).isEmpty();
			assertThat(layouts.getPublish()).isEmpty();
			assertThat(layouts.getKitex().getPrefix()).isEqualTo("kitex/registry-etcd/");
			assertThat(layouts.getHertz().getPrefix()).isEqualTo("hertz/registry-etcd/");
			assertThat(layouts.getGoMicro().getPrefix()).isEqualTo("/micro/registry/");
			assertThat(layouts.getKratos().getPrefix()).isEqualTo("/microservices/");
			assertThat(layouts.getPlain().getPrefix()).isEqualTo("/services/");
		});
	}

	@Test
	void bindsLayoutNamesAsTheContractSpellsThem() {
		this.contextRunner.withPropertyValues("discovery.layouts.read=kitex,hertz,go-micro,kratos,go-zero,go-kit,plain",
				"discovery.layouts.publish=go-micro,plain", "discovery.layouts.go-zero.keys.orders=orders.rpc",
				"discovery.layouts.go-kit.keys.orders=/gokit/orders/", "discovery.layouts.kratos.prefix=/kratos/prod/")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				LayoutsProperties layouts = context.getBean(LayoutsProperties.class);
				assertThat(layouts.getRead()).containsExactly(Layout.KITEX, Layout.HERTZ, Layout.GO_MICRO,
						Layout.KRATOS, Layout.GO_ZERO, Layout.GO_KIT, Layout.PLAIN);
				assertThat(layouts.getPublish()).isEqualTo(List.of(Layout.GO_MICRO, Layout.PLAIN));
				assertThat(layouts.getGoZero().getKeys()).containsEntry("orders", "orders.rpc");
				assertThat(layouts.getGoKit().getKeys()).containsEntry("orders", "/gokit/orders/");
				assertThat(layouts.getKratos().getPrefix()).isEqualTo("/kratos/prod/");
			});
	}

	@Test
	void unknownLayoutFailsStartUpNamingTheProperty() {
		this.contextRunner.withPropertyValues("discovery.layouts.read=kitex,eureka").run((context) -> {
			assertThat(context).hasFailed();
			BindException bind = findCause(context.getStartupFailure(), BindException.class);
			assertThat(bind.getProperty().getName().toString()).startsWith("discovery.layouts.read");
			assertThat(bind.getProperty().getValue()).hasToString("kitex,eureka");
		});
	}

	@ParameterizedTest(name = "{0} {1}")
	@CsvSource(delimiter = '|',
			textBlock = """
					discovery.layouts.read=go-zero       | discovery.layouts.foo=bar                       | discovery.layouts.go-zero.keys
					discovery.layouts.publish=go-kit     | discovery.layouts.foo=bar                       | discovery.layouts.go-kit.keys
					discovery.layouts.read=go-kit        | discovery.layouts.go-kit.keys.orders=/gk/orders | discovery.layouts.go-kit.keys
					discovery.layouts.publish=go-zero    | discovery.layouts.go-zero.keys.orders=orders/   | discovery.layouts.go-zero.keys
					discovery.layouts.read=kratos        | discovery.layouts.kratos.prefix=/               | discovery.layouts.kratos.prefix
					discovery.layouts.publish=kitex      | discovery.layouts.kitex.prefix=a//b/            | discovery.layouts.kitex.prefix
					discovery.layouts.read=plain         | discovery.layouts.plain.prefix=/services/default/ | discovery.layouts.plain.prefix
					discovery.layouts.publish=go-micro   | discovery.layouts.go-micro.prefix=/services/default/micro/ | discovery.layouts.go-micro.prefix
					discovery.layouts.read=plain,go-kit  | discovery.layouts.go-kit.keys.orders=/services/orders/ | discovery.layouts.go-kit.keys
					""")
	void invalidLayoutSettingFailsStartUpNamingTheProperty(String layouts, String setting, String reported) {
		this.contextRunner.withPropertyValues(layouts, setting).run((context) -> {
			assertThat(context).hasFailed();
			ReportedProperty failure = ReportedProperty.of(context.getStartupFailure());
			assertThat(failure.name()).startsWith(reported);
			assertThat(failure.reason()).isNotBlank();
		});
	}

	@Test
	void keysOfLayoutsThatAreNeitherReadNorPublishedAreNotChecked() {
		this.contextRunner.withPropertyValues("discovery.layouts.go-kit.keys.orders=/gk/orders")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	private static <T extends Throwable> T findCause(Throwable failure, Class<T> type) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
		}
		throw new AssertionError("No " + type.getSimpleName() + " in " + failure);
	}

}
