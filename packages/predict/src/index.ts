// @spoor/predict: purchase predictions per site. BG/NBD (how many more purchases, P(alive)) and
// Gamma-Gamma (value per order), fitted by maximum likelihood; inputs and results in ClickHouse.
export {
  bgnbdLogLikelihoodOne,
  bgnbdLogLikelihood,
  fitBgNbd,
  pAlive,
  expectedIfAlive,
  expectedPurchases,
  expectedPurchasesNew,
  medianWeeksToNextPurchase,
  type BgNbdParams,
  RecencyData,
  type FitResult,
  A_NEAR_ONE,
} from './bgnbd.js';
export { type PredictErrorCode, PredictError } from './errors.js';
export {
  fitModels,
  MIN_REPEAT_BUYERS,
  type ModelName,
  type FittedOutcome,
  type RefusedOutcome,
  type Outcome,
  type ModelInputs,
  type SiteOutcomes,
  type FitOptions,
} from './fit-models.js';
export { todayUtc, checkAsOf, readModelInputs, fitSite, sitesWithOrders, fitSites, type SiteFit, type FitSiteOptions } from './fit-site.js';
export { fitModelsInThread } from './fit-thread.js';
export {
  gammaGammaLogLikelihoodOne,
  gammaGammaLogLikelihood,
  fitGammaGamma,
  populationMeanValue,
  expectedOrderValue,
  type GammaGammaParams,
  SpendData,
} from './gamma-gamma.js';
export { gapDays, siteGapDays, heuristicPAlive, heuristicExpectedPurchases, MIN_GAP_DAYS, DEFAULT_GAP_DAYS, type HeuristicInput } from './heuristic.js';
export { dayNumber, historyAsOf, type Purchase, type History } from './history.js';
export { groupRows, type Recency, type Spend, DAYS_PER_WEEK, type Grouped } from './inputs.js';
export { maximizeLogLikelihood, thinned, LOG_BOUND, THIN_ABOVE, type LogParamFit } from './mle.js';
export { minimize, type MinimizeOptions, type MinimizeResult } from './nelder-mead.js';
export { simulateCustomers, type SimulatedCustomer, type SimulationOptions } from './simulate.js';
export { logGamma, logBeta, logAddExp, inverseOnePlusExp, finiteOr } from './special.js';
