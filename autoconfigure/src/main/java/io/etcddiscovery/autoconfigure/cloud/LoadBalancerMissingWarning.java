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

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.InitializingBean;

/**
 * Says at start-up what Spring Cloud Gateway does not: without Spring Cloud LoadBalancer
 * its {@code lb://} routes answer 503, with nothing in the log about why.
 *
 * @author etcd-discovery authors
 */
final class LoadBalancerMissingWarning implements InitializingBean {

	private static final Log logger = LogFactory.getLog(LoadBalancerMissingWarning.class);

	@Override
	public void afterPropertiesSet() {
		logger.warn("Spring Cloud Gateway is on the classpath without Spring Cloud LoadBalancer: lb:// routes "
				+ "answer 503. Depend on etcd-discovery-spring-cloud-starter (or add "
				+ "spring-cloud-starter-loadbalancer).");
	}

}
